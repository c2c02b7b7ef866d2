// Proves the S3 XML reader on real S3 response shapes and on hostile or broken input, and the
// CompleteMultipartUpload body writer.
#include "core/aws/s3_xml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ferry {
namespace {

constexpr char kInitiateResult[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>ferry-bucket</Bucket>
  <Key>logs/a&amp;b.ndjson.zst</Key>
  <UploadId>VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>)";

constexpr char kNoSuchUpload[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchUpload</Code>
  <Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message>
  <UploadId>abc</UploadId>
  <RequestId>4442587FB7D0A2F9</RequestId>
  <HostId>x</HostId>
</Error>)";

constexpr char kCompleteResult[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>http://ferry-bucket.s3.amazonaws.com/key</Location>
  <Bucket>ferry-bucket</Bucket>
  <Key>key</Key>
  <ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>
</CompleteMultipartUploadResult>)";

TEST(S3Xml, UploadIdIsReadFromInitiateMultipartUploadResult) {
  const Result<std::string> id = parse_upload_id(kInitiateResult);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
}

TEST(S3Xml, ErrorDocumentGivesCodeMessageAndRequestId) {
  const std::optional<S3ErrorDetails> error = parse_s3_error(kNoSuchUpload);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "NoSuchUpload");
  EXPECT_EQ(error->message.substr(0, 33), "The specified upload does not exi");
  EXPECT_EQ(error->request_id, "4442587FB7D0A2F9");
}

TEST(S3Xml, NonErrorDocumentsAreNotErrors) {
  EXPECT_FALSE(parse_s3_error(kInitiateResult).has_value());
  EXPECT_FALSE(parse_s3_error(kCompleteResult).has_value());
  EXPECT_FALSE(parse_s3_error("").has_value());
  // A <Code> inside another document is not an S3 error.
  EXPECT_FALSE(parse_s3_error("<Result><Error><Code>X</Code></Error></Result>").has_value());
}

TEST(S3Xml, CompleteResultEtagKeepsItsQuotesAfterEntityDecoding) {
  const Result<std::string> etag = parse_complete_etag(kCompleteResult);
  ASSERT_TRUE(etag.ok()) << etag.error().message;
  EXPECT_EQ(*etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
}

TEST(S3Xml, CompleteAnsweredWithAnErrorDocumentIsAnErrorNamingTheCode) {
  const std::string body = R"(<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>)";
  const Result<std::string> etag = parse_complete_etag(body);
  ASSERT_FALSE(etag.ok());
  EXPECT_NE(etag.error().message.find("InternalError"), std::string::npos);
}

TEST(S3Xml, MissingOrEmptyUploadIdIsAnErrorShowingWhatWasFound) {
  const Result<std::string> empty =
      parse_upload_id("<InitiateMultipartUploadResult><UploadId/></InitiateMultipartUploadResult>");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
  const Result<std::string> other = parse_upload_id("<html>502 Bad Gateway</html>");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("<html>"), std::string::npos);
  EXPECT_FALSE(parse_upload_id("").ok());
}

TEST(S3Xml, EntitiesAndNumericReferencesAreDecoded) {
  EXPECT_EQ(xml_decode("&quot;a&quot; &amp; &lt;b&gt; &apos;c&apos;"), "\"a\" & <b> 'c'");
  EXPECT_EQ(xml_decode("&#34;&#x22;&#X41;&#0065;"), "\"\"AA");
  EXPECT_EQ(xml_decode("&#x1F600;"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(xml_decode("&#xE9;"), "\xC3\xA9");
}

TEST(S3Xml, MalformedEntitiesStayLiteralAndInvalidCodePointsBecomeReplacementChar) {
  EXPECT_EQ(xml_decode("a & b"), "a & b");
  EXPECT_EQ(xml_decode("&unknown;"), "&unknown;");
  EXPECT_EQ(xml_decode("&#;&#x;&#xZZ;"), "&#;&#x;&#xZZ;");
  EXPECT_EQ(xml_decode("&amp"), "&amp");
  EXPECT_EQ(xml_decode("&"), "&");
  EXPECT_EQ(xml_decode("&#xD800;"), "\xEF\xBF\xBD");
  EXPECT_EQ(xml_decode("&#0;"), "\xEF\xBF\xBD");
  EXPECT_EQ(xml_decode("&#99999999999;"), "\xEF\xBF\xBD");
}

TEST(S3Xml, ElementTextHandlesAttributesPrefixesCdataAndComments) {
  EXPECT_EQ(xml_element_text("<a x='1>2'><b k=\"v\">t</b></a>", "b"), "t");
  EXPECT_EQ(xml_element_text("<s3:Code>SlowDown</s3:Code>", "Code"), "SlowDown");
  EXPECT_EQ(xml_element_text("<Code><![CDATA[a<&>b]]></Code>", "Code"), "a<&>b");
  EXPECT_EQ(xml_element_text("<!-- <Code>no</Code> --><Code>yes</Code>", "Code"), "yes");
  EXPECT_EQ(xml_element_text("<Code >x</Code >", "Code"), "x");
  EXPECT_EQ(xml_element_text("<CodeX>no</CodeX><Code>yes</Code>", "Code"), "yes");
}

TEST(S3Xml, TruncatedDocumentsYieldNothingRatherThanGarbage) {
  EXPECT_EQ(xml_element_text("<Code>SlowD", "Code"), std::nullopt);
  EXPECT_EQ(xml_element_text("<Code", "Code"), std::nullopt);
  EXPECT_EQ(xml_element_text("<", "Code"), std::nullopt);
  EXPECT_EQ(xml_element_text("<!--", "Code"), std::nullopt);
  EXPECT_EQ(xml_element_text("<Code a='>", "Code"), std::nullopt);
  EXPECT_EQ(xml_root_element("<?xml"), "");
  EXPECT_EQ(xml_root_element("   "), "");
}

TEST(S3Xml, CompleteBodyListsPartsInOrderWithEscapedEtags) {
  const std::string body = complete_multipart_body({{1, "\"aaa\""}, {2, "\"bbb\""}});
  EXPECT_NE(body.find("<Part><PartNumber>1</PartNumber><ETag>&quot;aaa&quot;</ETag></Part>"
                      "<Part><PartNumber>2</PartNumber><ETag>&quot;bbb&quot;</ETag></Part>"),
            std::string::npos);
  EXPECT_EQ(xml_root_element(body), "CompleteMultipartUpload");
  EXPECT_EQ(xml_element_text(body, "ETag"), "\"aaa\"");
}

// ListParts as S3 documents it (and Swift's s3api answers it): quoted ETags, paging markers.
constexpr char kListParts[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>ferry-bucket</Bucket><Key>k</Key><UploadId>u</UploadId>
  <PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>2</NextPartNumberMarker>
  <MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>
  <Part><PartNumber>1</PartNumber><LastModified>2024-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag><Size>5242880</Size></Part>
  <Part><PartNumber>2</PartNumber><ETag>"8888aef83f66abc1fa1e8477f296d394"</ETag><Size>17</Size>
  </Part>
</ListPartsResult>)";

TEST(S3Xml, ListPartsGivesEachPartAndTheNextMarker) {
  auto page = parse_list_parts(kListParts);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->parts.size(), 2u);
  EXPECT_EQ(page->parts[0].number, 1);
  EXPECT_EQ(page->parts[0].etag, "\"7778aef83f66abc1fa1e8477f296d394\"");
  EXPECT_EQ(page->parts[0].size, 5242880u);
  EXPECT_EQ(page->parts[1].size, 17u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_marker, 2);
  auto empty =
      parse_list_parts("<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->parts.empty());
  EXPECT_FALSE(empty->truncated);
}

TEST(S3Xml, ListPartsRefusesErrorsAndBrokenParts) {
  auto lost = parse_list_parts(kNoSuchUpload);
  ASSERT_FALSE(lost.ok());
  EXPECT_NE(lost.error().message.find("NoSuchUpload"), std::string::npos);
  for (const char* broken :
       {"<ListPartsResult><Part><PartNumber>0</PartNumber><ETag>e</ETag><Size>1</Size></Part>"
        "</ListPartsResult>",
        "<ListPartsResult><Part><PartNumber>10001</PartNumber><ETag>e</ETag><Size>1</Size>"
        "</Part></ListPartsResult>",
        "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag></ETag><Size>1</Size></Part>"
        "</ListPartsResult>",
        "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>-1</Size>"
        "</Part></ListPartsResult>",
        "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>1</Size>",
        "<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>",
        "<ListBucketResult></ListBucketResult>"}) {
    EXPECT_FALSE(parse_list_parts(broken).ok()) << broken;
  }
}

TEST(S3Xml, EscapeThenDecodeIsIdentity) {
  const std::string text = "<&>\"' plain &amp; text";
  EXPECT_EQ(xml_decode(xml_escape(text)), text);
}

TEST(S3Xml, ExcerptIsShortAndPrintable) {
  const std::string excerpt = xml_excerpt(std::string(1000, '\x01'));
  EXPECT_EQ(excerpt.size(), 203u);
  EXPECT_EQ(excerpt.find('\x01'), std::string::npos);
  EXPECT_EQ(xml_excerpt(""), "(empty body)");
}

}  // namespace
}  // namespace ferry
