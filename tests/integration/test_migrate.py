"""`ferry migrate`: the Kinesis Agent's SQLite checkpoint database -> ferry's checkpoint, then
`ferry --once` to a directory resumes exactly where the Kinesis Agent stopped.

The database is built with Python's sqlite3 exactly as the Kinesis Agent writes it (its table,
its insert, lastUpdated from strftime('%Y-%m-%d %H:%M:%f', 'now'), fileId as the JDK's
"(dev=HEX,ino=N)"). The flow's directory holds:
  app.log    half shipped by the Kinesis Agent (its newest row): only the lines after its offset
  app.log.1  rotated, shipped to its end (a row at its size): nothing
  app.log.2  rotated earlier, no row (older than app.log): nothing
  other.log  its row names an inode that is no longer there (replaced), and it is newer than
             app.log: reported, and read from its start
plus a row of a flow that agent.json does not have. No line may arrive twice.
"""
import os
import sqlite3
import tempfile
import time
import unittest

import harness

STREAM = "app-stream"
SCHEMA = ("create table if not exists FILE_CHECKPOINTS(       flow text,       path text,"
          "       fileId text,       lastModifiedTime bigint,       size bigint,"
          "       offset bigint,       lastUpdated datetime,       primary key (flow, path))")
INSERT = ("insert or ignore into FILE_CHECKPOINTS values(?, ?, ?, ?, ?, ?, "
          "strftime('%Y-%m-%d %H:%M:%f', 'now', ?))")


def lines(tag, count):
    return [f'{{"id":"{tag}-{n}"}}'.encode() for n in range(count)]


def write_lines(path, records):
    with open(path, "wb") as f:
        f.write(b"".join(r + b"\n" for r in records))


def file_id(path):
    st = os.stat(path)
    return f"(dev={st.st_dev:x},ino={st.st_ino})"


def add_row(db, flow, path, fid, offset, age_seconds):
    st = os.stat(path) if os.path.exists(path) else None
    db.execute(INSERT, (flow, path, fid, int(st.st_mtime * 1000) if st else 0,
                        st.st_size if st else 0, offset, f"-{age_seconds} seconds"))


class MigrateFromKinesisAgent(unittest.TestCase):
    def setUp(self):
        harness.require_ferry()
        harness.require_zstd()
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-migrate-")
        t = self.t = self._tmp.name
        self.input, self.out = os.path.join(t, "in"), os.path.join(t, "out")
        os.makedirs(self.input)
        os.makedirs(self.out)
        self.pattern = os.path.join(self.input, "*.log*")
        self.flow_id = f"fh:{STREAM}:{self.pattern}"
        self.config = harness.base_config(t)
        flow = harness.dir_flow("app", self.pattern, self.out, "app/", redact=False)
        flow["deliveryStream"] = STREAM  # kept from the Kinesis Agent's agent.json
        self.config["flows"] = [flow]
        self.config_path = harness.write_config(os.path.join(t, "agent.json"), self.config)
        self.db_path = os.path.join(t, "checkpoints.db")

        self.app = os.path.join(self.input, "app.log")
        self.app_lines = lines("app", 400)
        write_lines(self.app, self.app_lines)
        self.half = 150  # lines the Kinesis Agent shipped
        self.half_offset = sum(len(r) + 1 for r in self.app_lines[:self.half])
        self.rotated1 = os.path.join(self.input, "app.log.1")
        write_lines(self.rotated1, lines("rot1", 120))
        self.rotated2 = os.path.join(self.input, "app.log.2")
        write_lines(self.rotated2, lines("rot2", 80))
        self.other = os.path.join(self.input, "other.log")
        self.other_lines = lines("other", 60)
        write_lines(self.other, self.other_lines)
        now = time.time()
        for path, age in ((self.rotated2, 300), (self.rotated1, 200), (self.app, 100),
                          (self.other, 10)):
            os.utime(path, (now - age, now - age))

        db = sqlite3.connect(self.db_path)
        db.execute(SCHEMA)
        add_row(db, self.flow_id, self.app, file_id(self.app), self.half_offset, 1)
        add_row(db, self.flow_id, self.rotated1, file_id(self.rotated1),
                os.path.getsize(self.rotated1), 30)
        st = os.stat(self.other)
        add_row(db, self.flow_id, self.other, f"(dev={st.st_dev:x},ino={st.st_ino + 977})", 100,
                60)
        add_row(db, "fh:retired-stream:/var/log/retired/*.log", "/var/log/retired/x.log",
                "(dev=803,ino=42)", 10, 5)
        db.commit()
        db.close()

    def tearDown(self):
        self._tmp.cleanup()

    def migrate(self, *extra):
        return harness.run_ferry(None, "migrate", "--config", self.config_path, "--from",
                                 self.db_path, *extra, timeout=60)

    def line_of(self, result, path):
        found = [l for l in result.stdout.splitlines() if f'"{path}"' in l]
        self.assertEqual(len(found), 1, f"{path}: {result.describe()}")
        return found[0]

    def test_cut_over_neither_resends_nor_skips(self):
        dry = self.migrate("--dry-run")
        self.assertEqual(dry.returncode, 0, dry.describe())
        self.assertIn("dry run: nothing written", dry.stdout)
        self.assertFalse(os.path.exists(self.config["checkpointFile"]), "--dry-run wrote")

        result = self.migrate()
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertTrue(self.line_of(result, self.app).startswith("migrated flow app"))
        self.assertIn(f"offset {self.half_offset} ", self.line_of(result, self.app))
        self.assertTrue(self.line_of(result, self.rotated1).startswith("migrated flow app"))
        self.assertTrue(self.line_of(result, self.rotated2).startswith("shipped  flow app"))
        other = [l for l in result.stdout.splitlines() if f'"{self.other}"' in l]
        self.assertEqual(len(other), 2, result.describe())  # the row, then the file
        self.assertTrue(other[0].startswith("skipped  flow app"), other)
        self.assertIn("another file", other[0])
        self.assertTrue(other[1].startswith("left     flow app"), other)
        retired = self.line_of(result, "/var/log/retired/x.log")
        self.assertTrue(retired.startswith("skipped  row \"fh:retired-stream:"), retired)
        self.assertIn("4 row(s): 2 migrated, 2 skipped", result.stdout)
        self.assertTrue(os.path.isfile(self.config["checkpointFile"]))

        again = self.migrate()
        self.assertEqual(again.returncode, 2, again.describe())
        self.assertIn("already has positions for flow(s) app", again.stderr)

        shipped = harness.run_ferry(self.config_path, "--once", timeout=120)
        self.assertEqual(shipped.returncode, 0, shipped.describe())
        objects, temps = harness.directory_objects(self.out)
        self.assertEqual(temps, [])
        got = harness.records_of_objects(objects)
        expected = self.app_lines[self.half:] + self.other_lines
        self.assertEqual(len(got), len(set(got)), "a line arrived twice")
        self.assertEqual(sorted(got), sorted(expected))

    def test_force_replaces_what_ferry_has(self):
        self.assertEqual(self.migrate().returncode, 0)
        forced = self.migrate("--force")
        self.assertEqual(forced.returncode, 0, forced.describe())

    def test_bad_databases_exit_2_with_a_message(self):
        missing = harness.run_ferry(None, "migrate", "--config", self.config_path, "--from",
                                    os.path.join(self.t, "absent"), timeout=60)
        self.assertEqual(missing.returncode, 2, missing.describe())
        self.assertIn("absent", missing.stderr)
        not_db = os.path.join(self.t, "not-a-db")
        with open(not_db, "wb") as f:
            f.write(b"\x00\x01 this is no database \xff\n" * 300)
        result = harness.run_ferry(None, "migrate", "--config", self.config_path, "--from",
                                   not_db, timeout=60)
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertIn("not an SQLite database", result.stderr)
        same = dict(self.config, checkpointFile=self.db_path)
        harness.write_config(self.config_path, same)
        result = self.migrate()
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertIn("is the Kinesis Agent's database itself", result.stderr)

    def test_hostile_rows_are_reported_not_trusted(self):
        db = sqlite3.connect(self.db_path)
        db.execute("delete from FILE_CHECKPOINTS")
        weird = os.path.join(self.input, "we\nird\x1b[31m.log").encode() + b"\xff"
        db.execute(INSERT, (self.flow_id, weird, "(dev=1,ino=2)", 0, 0, 5, "-1 seconds"))
        db.execute(INSERT, (self.flow_id, self.app, file_id(self.app), 0, 0, -5, "-2 seconds"))
        db.execute(INSERT, (self.flow_id, self.rotated1, file_id(self.rotated1), 0, 0,
                            "12abc", "-3 seconds"))
        db.execute(INSERT, (self.flow_id, self.rotated2, "(dev=zz,ino=1)", 0, 0, 1 << 62,
                            "-4 seconds"))
        db.execute(INSERT, (self.flow_id, self.other, file_id(self.other), 0, 0,
                            os.path.getsize(self.other) + 1, "-5 seconds"))
        db.execute(INSERT, ("x" * 100000, "/p", "(dev=1,ino=1)", 0, 0, 1, "-6 seconds"))
        db.commit()
        db.close()
        result = self.migrate()
        self.assertEqual(result.returncode, 0, result.describe())
        out = result.stdout
        self.assertNotIn("\x1b", out)
        self.assertIn("6 row(s): 0 migrated, 6 skipped", out)
        self.assertIn("negative", out)
        self.assertIn("offset is text", out)
        self.assertIn("fileId is not", out)
        self.assertIn("shorter than the offset", out)
        self.assertIn("longer than", out)
        self.assertIn("nothing to record", out)
        self.assertFalse(os.path.exists(self.config["checkpointFile"]))

    def test_a_locked_database_is_refused(self):
        holder = sqlite3.connect(self.db_path, isolation_level=None)
        holder.execute("begin exclusive")
        try:
            result = self.migrate()
        finally:
            holder.execute("rollback")
            holder.close()
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertIn("stop the agent first", result.stderr)


if __name__ == "__main__":
    unittest.main()
