#!/usr/bin/env python3
"""Writes test records as JSON Lines, fast and deterministically (stdlib only).

  gen_records.py seed  --bytes N --out FILE [--seed S] [--start-id K] [--append] [--filler words|random]
  gen_records.py wickr --bytes N --out FILE [--seed S] [--start-id K] [--append]

`seed` records are ~400 bytes: id (unique, increasing), name, dob, gender, ssn_no,
data_share_consent (true for every other record; otherwise false / null / missing / "true"),
evnt_time and a `notes` filler. Consenting records get a dob in 1940..1979, the others in
1980..2009, and ssn_no is unique per id, so a test can tell redacted values apart.
`--filler random` makes notes poorly compressible (base64 of random bytes).

`wickr` records have the shape of the Wickr data-retention bot's messages (msgtype 1000 text,
6000 file, 9000 edit) with a unique message_id; some messages carry escapes and non-ASCII text.

Writes whole lines until at least N bytes are written; prints the number of records written.
With --append and no --start-id, ids continue after the last complete line already in FILE.
"""
import argparse
import base64
import json
import os
import random
import sys

CHUNK_RECORDS = 4096

FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
         "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter",
         "Zo\u00eb", "Andr\u00e9", "Bj\u00f6rn", "Chlo\u00e9", "Dami\u00e1n"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Rodriguez", "Martinez", "Hern\u00e1ndez", "Lopez", "Gonzalez", "Wilson", "Anderson",
        "Thomas", "Taylor", "Moore", "Jackson", "Martin", "O'Neil", "M\u00fcller"]
GENDERS = ["F", "M", "X", "U"]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
         "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure "
         "in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
         "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
         "laborum patient visit follow-up referral billing claim approved pending").split()
# The consent field for records that do not consent (the 'missing' case leaves the key out).
NON_CONSENT = [',"data_share_consent":false', ',"data_share_consent":null', '',
               ',"data_share_consent":"true"']

TARGET_SEED_LINE = 400


def dumps(s):
    return json.dumps(s, ensure_ascii=False)


def last_id_in(path, key):
    """The `key` value of the last complete line of an existing file, or None."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            tail = f.read()
    except FileNotFoundError:
        return None
    lines = tail.split(b"\n")[:-1]  # the part after the last '\n' is incomplete
    for line in reversed(lines):
        try:
            value = json.loads(line)[key]
        except (ValueError, KeyError, TypeError):
            continue
        return int(value, 16) if isinstance(value, str) else int(value)
    return None


def seed_chunks(rng, start_id, filler):
    """Yields (encoded bytes, record count) chunks of seed records forever."""
    names = [dumps(f"{f} {l}") for f in FIRST for l in LAST]
    if filler == "words":
        pool = " ".join(rng.choice(WORDS) for _ in range(200000))
        pool_len = len(pool) - 400
    rid = start_id
    while True:
        out = []
        if filler == "random":
            # base64 of random bytes: ~25% larger than its entropy, so zstd gains little
            blob = base64.b64encode(rng.randbytes(CHUNK_RECORDS * 300)).decode()
        for i in range(CHUNK_RECORDS):
            r = rng.getrandbits(32)
            consent = (r & 1) == 0
            if consent:
                year = 1940 + (r >> 1) % 40
                consent_kv = ',"data_share_consent":true'
            else:
                year = 1980 + (r >> 1) % 30
                consent_kv = NON_CONSENT[(r >> 7) % 4]
            month = 1 + (r >> 9) % 12
            day = 1 + (r >> 13) % 28
            ssn = f"{(rid // 1000000) % 1000:03d}-{(rid // 10000) % 100:02d}-{rid % 10000:04d}"
            sec = (r >> 18) % 86400
            head = (f'{{"id":{rid},"name":{names[(r >> 5) % len(names)]},'
                    f'"dob":"{year:04d}-{month:02d}-{day:02d}","gender":"{GENDERS[(r >> 20) % 4]}",'
                    f'"ssn_no":"{ssn}"{consent_kv},'
                    f'"evnt_time":"2023-08-{1 + (r >> 22) % 28:02d}T{sec // 3600:02d}:'
                    f'{sec // 60 % 60:02d}:{sec % 60:02d}.{rid % 1000:03d}Z","notes":"')
            n = max(16, TARGET_SEED_LINE - len(head) - 3)
            if filler == "random":
                notes = blob[i * 300:i * 300 + n]
            else:
                o = (r * 7919 + rid) % pool_len
                notes = pool[o:o + n]
            out.append(f'{head}{notes}"}}\n')
            rid += 1
        yield "".join(out).encode(), CHUNK_RECORDS


MESSAGES = [
    "Quarterly numbers attached in the next message",
    "Status page: https://example.com/status",
    "Meeting moved to 3pm \u2014 room \"Ocean\"",
    "caf\u00e9 at 9? \U0001F600",
    "line one\nline two\ttabbed",
    "path C:\\temp\\report.txt and a / slash",
    "Please review the contract before Friday",
    "ok",
    "\u65e5\u672c\u8a9e\u306e\u30e1\u30c3\u30bb\u30fc\u30b8",
    "<b>not html</b> & ampersand",
]
USERS = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com",
         "erin@example.com"]
GROUPS = ["7ad65d17b945d7672190ecab6902fdd06eff162b91adfcda23df3b2ff95875e8",
          "S19a8782d9a0441d5e13f15b6789f00bc2f9b8231aa364a2eb3a8269dce2ac21",
          "0c1d2e3f405162738495a6b7c8d9eaf00112233445566778899aabbccddeeff0"]
FILES = ["q3-report.pdf", "scan 0001.png", "notes.txt", "budget_2024.xlsx"]


def wickr_chunks(rng, start_id, seed):
    msgs = [dumps(m) for m in MESSAGES]
    node = f"{seed & 0xffffffffffff:012x}"
    n = start_id
    while True:
        out = []
        for _ in range(CHUNK_RECORDS):
            r = rng.getrandbits(32)
            mid = f"{n:020x}{node}"  # 32 hex digits, unique per n
            ts = 1691176258 + n
            frac = r % 1000000
            mins = (ts // 60) % 60
            hour = (ts // 3600) % 24
            h12 = hour % 12 or 12
            ampm = "AM" if hour < 12 else "PM"
            t = f"8/4/23 {h12}:{mins:02d} {ampm}"
            tiso = f"2023-08-04 {hour:02d}:{mins:02d}:{ts % 60:02d}.{frac // 1000:03d}"
            sender = USERS[r % 5]
            receiver = USERS[(r >> 3) % 5]
            group = GROUPS[(r >> 6) % 3]
            common = (f'"message_id":"{mid}","msg_ts":"{ts}.{frac:06d}",')
            tail = (f'"receiver":"{receiver}","sender":"{sender}","sender_type":"normal",'
                    f'"time":"{t}","time_iso":"{tiso}","ttl":"9/3/23 {h12}:{mins:02d} {ampm}",'
                    f'"vgroupid":"{group}"}}\n')
            kind = (r >> 8) % 10
            if kind < 6:
                out.append(f'{{"message":{msgs[(r >> 12) % len(msgs)]},{common}'
                           f'"msgtype":1000,{tail}')
            elif kind < 8:
                fname = FILES[(r >> 12) % len(FILES)]
                guid = f"{r:08X}-9B60-4F32-A691-{n:012X}"
                out.append(f'{{"file":{{"filename":"{fname}","guid":"{guid}",'
                           f'"localfilename":"/tmp/compliance_1234567890_bot/compliance/'
                           f'attachments/attachment_{n:017d}_{fname}",'
                           f'"uploadedbyuser":"{sender}","uploadedtimestamp":"{t}"}},'
                           f'{common}"msgtype":6000,{tail}')
            else:
                orig = f"{max(start_id, n - 1 - r % 50):020x}{node}"
                out.append(f'{{"edit":{{"originalmessageid":"{orig}",'
                           f'"text":{msgs[(r >> 12) % len(msgs)]},"type":"text"}},'
                           f'{common}"msgtype":9000,{tail}')
            n += 1
        yield "".join(out).encode(), CHUNK_RECORDS


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("kind", choices=["seed", "wickr"])
    p.add_argument("--bytes", type=int, required=True, help="write at least this many bytes")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start-id", type=int, default=None,
                   help="first id (seed) / message counter (wickr); default 1")
    p.add_argument("--append", action="store_true", help="append to FILE instead of replacing")
    p.add_argument("--filler", choices=["words", "random"], default="words",
                   help="seed notes: compressible words or poorly compressible random text")
    a = p.parse_args(argv)

    start = a.start_id
    if start is None:
        start = 1
        if a.append:
            last = last_id_in(a.out, "id" if a.kind == "seed" else "message_id")
            if last is not None:
                start = (last if a.kind == "seed" else last >> 48) + 1
    rng = random.Random(a.seed * 1000003 + start)
    chunks = (seed_chunks(rng, start, a.filler) if a.kind == "seed"
              else wickr_chunks(rng, start, a.seed))

    written = 0
    records = 0
    with open(a.out, "ab" if a.append else "wb") as f:
        for data, count in chunks:
            if written + len(data) >= a.bytes:
                # the last chunk: keep whole lines up to the first one that reaches the target
                end = 0
                while written + end < a.bytes:
                    end = data.index(b"\n", end) + 1
                    records += 1
                if end:
                    f.write(data[:end])
                written += end
                break
            f.write(data)
            written += len(data)
            records += count
    print(records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
