"""File-level tailing scenarios against the real binary and s3rver, record by record: truncation
in place and rewrite, deletion of a file still open (and still written), last lines without a
newline, directories that appear, disappear and reappear under a pattern with wildcards in
directory components, symlinked files, and the Kinesis Agent's flow keys (skipHeaderLines,
truncatedRecordTerminator, compressed files ignored)."""
import gzip
import os
import shutil
import time
import unittest

import harness
import streams_support as ss
import tailing_support as ts


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


class Files(ts.ScenarioCase):
    def records(self, scenario, first, count):
        ids = [f"{scenario}-{n}" for n in range(first, first + count)]
        return ids, b"".join(ts.line(scenario, n) for n in range(first, first + count))

    def test_truncate_in_place_and_rewrite(self):
        name, log = "truncate_in_place", os.path.join(self.input, "app.log")
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "t/")))
        written, n = [], 0
        append(log, b"")
        self.wait_for_log(ferry, "following " + log)
        for round_ in range(4):
            ids, data = self.records(name, n, 500 - 100 * round_)  # each rewrite is shorter
            n += len(ids)
            written += ids
            append(log, data)
            time.sleep(0.8)  # read before it is truncated (what is not read then is gone)
            with open(log, "r+b") as f:
                f.truncate(0)
        ids, data = self.records(name, n, 50)
        written += ids
        append(log, data)
        time.sleep(2.5)
        text = self.stop(ferry)
        self.assertEqual(text.count("was truncated"), 4, text[-3000:])
        ts.Tally(name, written, self.shipped("t/")).assert_exact(self)

    def test_deleted_file_is_read_to_its_end_through_its_descriptor(self):
        name, log = "delete_while_open", os.path.join(self.input, "app.log")
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "d/")))
        append(log, b"")
        self.wait_for_log(ferry, "following " + log)
        written = []
        fd = os.open(log, os.O_WRONLY | os.O_APPEND)
        try:
            ids, data = self.records(name, 0, 20000)  # ~1.5 MB: still being read when deleted
            written += ids
            os.write(fd, data)
            os.unlink(log)
            ids, data = self.records(name, 20000, 300)  # written after the deletion
            written += ids
            os.write(fd, data)
            # ... and a last line without newline: shipped once the file has been idle for
            # maxBufferAgeMillis, since it was deleted and can never be completed.
            os.write(fd, ts.line(name, 20300)[:-1])
            written.append(f"{name}-20300")
        finally:
            os.close(fd)
        time.sleep(3.0)
        text = self.stop(ferry)
        self.assertIn("was deleted or moved away", text)
        self.assertIn("which have no newline", text)
        ts.Tally(name, written, self.shipped("d/")).assert_exact(self)

    def test_last_line_without_newline_waits_until_complete_or_rotated(self):
        name = "no_trailing_newline"
        live, rotated = os.path.join(self.input, "live.log"), os.path.join(self.input, "old.log")
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "n/")))
        self.wait_for_log(ferry, "starting")
        ids_live, data = self.records(name, 0, 10)
        append(live, data + ts.line(name, 10)[:15])  # the last line is being written
        ids_old, data = self.records(name, 100, 10)
        append(rotated, data + ts.line(name, 110)[:-1])  # complete, but without its newline
        time.sleep(1.5)
        os.rename(rotated, os.path.join(self.input, "old.log.1"))  # rotated away
        time.sleep(2.5)  # > maxBufferAgeMillis: old.log.1's last line is shipped
        append(live, ts.line(name, 10)[15:])  # the live line completes: shipped whole, once
        time.sleep(2.5)
        self.stop(ferry)
        written = ids_live + [f"{name}-10"] + ids_old + [f"{name}-110"]
        ts.Tally(name, written, self.shipped("n/")).assert_exact(self)

    def test_directories_that_appear_disappear_and_reappear(self):
        name = "directories"
        root = os.path.join(self.input, "later")  # does not exist when ferry starts
        pattern = os.path.join(root, "*", "logs", "app*.log")
        ferry = self.start(self.config(ts.flow(name, pattern, "g/")))
        self.wait_for_log(ferry, "starting")
        time.sleep(0.5)
        written, n = [], 0

        def write(path, count):
            nonlocal n
            ids, data = self.records(name, n, count)
            n += count
            written.extend(ids)
            append(path, data)

        for host in ("a", "b"):
            os.makedirs(os.path.join(root, host, "logs"))
            write(os.path.join(root, host, "logs", "app1.log"), 100)
        write(os.path.join(root, "a", "logs", "other.txt"), 0)  # not matched
        append(os.path.join(root, "a", "logs", "other.txt"), ts.line("unmatched", 0))
        time.sleep(2.0)
        write(os.path.join(root, "a", "logs", "app1.log"), 50)
        write(os.path.join(root, "b", "logs", "app2.log"), 50)
        time.sleep(1.5)
        shutil.rmtree(os.path.join(root, "a"))  # disappears (its records were read) ...
        time.sleep(1.0)
        os.makedirs(os.path.join(root, "a", "logs"))  # ... and reappears with a new file
        write(os.path.join(root, "a", "logs", "app3.log"), 80)
        time.sleep(0.5)
        write(os.path.join(root, "a", "logs", "app3.log"), 20)
        time.sleep(2.5)
        self.stop(ferry)
        ts.Tally(name, written, self.shipped("g/")).assert_exact(self)

    def test_symlinked_file_is_followed_by_its_target(self):
        name = "symlink"
        target_dir = os.path.join(self.tmp, "elsewhere")
        os.makedirs(target_dir)
        target = os.path.join(target_dir, "real.log")
        ids, data = self.records(name, 0, 100)
        append(target, data)
        os.symlink(target, os.path.join(self.input, "app.log"))
        # A target outside the watched directory needs followSymlinks; its changes are seen by
        # the stat poll.
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "s/",
                                               statPollMillis=200, followSymlinks=True)))
        self.wait_for_log(ferry, "following")
        more, data = self.records(name, 100, 100)
        time.sleep(0.5)
        append(target, data)
        time.sleep(2.5)
        self.stop(ferry)
        ts.Tally(name, ids + more, self.shipped("s/")).assert_exact(self)

    def test_symlinks_out_of_the_watched_directories_are_refused_and_reported(self):
        # A local user who can write into a watched directory links a private file into it:
        # ferry (root) must not ship it. A link that stays inside the watched directories is
        # still followed.
        name = "symlink_policy"
        secret_dir = os.path.join(self.tmp, "private")
        os.makedirs(secret_dir)
        secret = os.path.join(secret_dir, "shadow")
        append(secret, ts.line("SECRET", 0))
        os.chmod(secret, 0o600)
        os.symlink(secret, os.path.join(self.input, "evil.log"))
        os.makedirs(os.path.join(self.input, "data"))
        inside = os.path.join(self.input, "data", "real.txt")
        ids, data = self.records(name, 0, 50)
        append(inside, data)
        os.symlink(inside, os.path.join(self.input, "current.log"))
        port = harness.free_port()
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "y/"),
                                       **{"metrics.listen": f"127.0.0.1:{port}"}))
        self.wait_for_log(ferry, "following " + os.path.join(self.input, "current.log"))
        self.wait_for_log(ferry, "not reading " + os.path.join(self.input, "evil.log"))
        ok = harness.poll(lambda: ss.scrape_metrics(port).get(
            ("ferry_symlinks_refused_total", name)) == 1, 10)
        self.assertTrue(ok, ss.scrape_metrics(port))
        append(secret, ts.line("SECRET", 1))  # written again: still refused, reported once
        time.sleep(2.5)
        text = self.stop(ferry)
        self.assertEqual(text.count("not reading"), 1, text[-3000:])
        self.assertIn(secret, text)
        self.assertIn('"followSymlinks": true', text)
        shipped = self.shipped("y/")
        self.assertFalse([line for line in shipped if b"SECRET" in line])
        ts.Tally(name, ids, shipped).assert_exact(self)

    def test_kinesis_agent_flow_keys(self):
        name = "flow_keys"
        header = b"timestamp level message\n# a second header line\n"
        ids, data = self.records(name, 0, 50)
        long_line = b'{"seq": "flow_keys-long", "pad": "' + b"y" * 5000 + b'"}\n'
        append(os.path.join(self.input, "app.log"), header + data + long_line)
        ids2, data2 = self.records(name, 50, 20)
        append(os.path.join(self.input, "app.log.1"), header + data2)
        # Compressed rotations hold records too, but are never tailed.
        with gzip.open(os.path.join(self.input, "app.log.2.gz"), "wb") as f:
            f.write(ts.line("compressed", 0))
        for suffix in (".zst", ".bz2", ".zip", ".xz"):
            append(os.path.join(self.input, "app.log.3" + suffix), ts.line("compressed", 1))
        config = self.config(ts.flow(name, os.path.join(self.input, "app.log*"), "k/",
                                     skipHeaderLines=2, maxRecordBytes=1000,
                                     truncatedRecordTerminator="...[cut]"))
        result = harness.run_ferry(config, "--once")
        self.assertEqual(result.returncode, 0, result.describe())
        lines = self.shipped("k/")
        long_records = [l for l in lines if b"flow_keys-long" in l]
        self.assertEqual(len(long_records), 1, "an over-long line must be one truncated record")
        self.assertEqual(len(long_records[0]), 1000)
        self.assertTrue(long_records[0].endswith(b"...[cut]"))
        self.assertFalse(any(b"timestamp level" in l or b"second header" in l for l in lines))
        others = [l for l in lines if b"flow_keys-long" not in l]
        ts.Tally(name, ids + ids2, others).assert_exact(self)

    def test_multi_line_records_are_joined(self):
        name = "multi_line"
        log = os.path.join(self.input, "app.log")
        # As the Kinesis Agent (RegexSplitter: Matcher.lookingAt() per line): the pattern is
        # anchored at the line's start without a ^, and lines before the first start line make
        # one record with the first line.
        append(log, b"preamble line one\npreamble line two\n")
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "m/",
                                               multiLineStartPattern="\\d{4}-\\d{2}-\\d{2} ")))
        self.wait_for_log(ferry, "starting")
        expected = [b"preamble line one preamble line two"]
        for i in range(200):
            head = f"2026-11-24 12:00:{i % 60:02d} ERROR {name}-{i} failed"
            trace = [f"\tat com.example.Frame{j}.call(Frame{j}.java:{i + j}) 2026-11-24 00:00:0{j}"
                     for j in range(i % 4)]
            append(log, ("\n".join([head] + trace) + "\n").encode())
            expected.append(" ".join([head] + trace).encode())
            if i % 50 == 49:
                time.sleep(0.3)  # records split across reads and batches
        time.sleep(2.5)  # the last record completes once the file stayed quiet (1 s)
        self.stop(ferry)
        lines = self.shipped("m/")
        print(f"\ntailing scenario {name}: written {len(expected)} multi-line records, shipped "
              f"{len(set(lines))}, lost {len(set(expected) - set(lines))}, duplicated "
              f"{len(lines) - len(set(lines))}", flush=True)
        self.assertEqual(sorted(lines), sorted(expected))

    def test_file_footer_ends_the_files_records(self):
        # The Kinesis Agent matches fileFooterPattern against the whole trimmed record and stops
        # reading the file there; ferry used to match anywhere and drop only that line.
        name = "footer"
        ids, data = self.records(name, 0, 30)
        mention = b'{"seq": "footer-mention", "note": "keep this line mentioning END of story"}\n'
        append(os.path.join(self.input, "a.log"), data + mention + b"  END \n" +
               ts.line("AFTER-FOOTER", 0))
        other_ids, other = self.records(name, 30, 20)
        append(os.path.join(self.input, "b.log"), other)  # no footer: every line ships
        ferry = self.start(self.config(ts.flow(name, os.path.join(self.input, "*.log"), "f/",
                                               fileFooterPattern="END")))
        self.wait_for_log(ferry, "footer at offset")
        append(os.path.join(self.input, "a.log"), ts.line("AFTER-FOOTER", 1))
        time.sleep(2.5)
        text = self.stop(ferry)
        self.assertEqual(text.count("(fileFooterPattern)"), 1, text[-3000:])
        shipped = self.shipped("f/")
        self.assertIn(mention[:-1], shipped)
        self.assertFalse([line for line in shipped if b"AFTER-FOOTER" in line or
                          line.strip() == b"END"])
        ts.Tally(name, ids + other_ids, [line for line in shipped if line != mention[:-1]]) \
            .assert_exact(self)


if __name__ == "__main__":
    unittest.main()
