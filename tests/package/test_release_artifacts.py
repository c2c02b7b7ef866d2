"""The release artifacts of tools/package, checked as their users will meet them.

FERRY_DIST names the directory tools/package wrote (tools/test: build/dist). The tarball is
extracted into an empty root holding nothing from the host and runs there, with and without
/proc; the .deb is installed into a `dpkg --root` tree and its unit passes `systemd-analyze
verify`; the .rpm names no library in its requirements and its payload, installed into an empty
`rpm --root` tree, runs through /usr/bin/ferry.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIST = os.environ.get("FERRY_DIST", os.path.join(SOURCE_DIR, "dist"))
with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as _f:
    VERSION = re.search(r"^project\(ferry VERSION ([0-9.]+) ", _f.read(), re.M).group(1)
TARBALL = os.path.join(DIST, f"ferry-{VERSION}-linux-x86_64.tar.gz")
DEBUG_TARBALL = os.path.join(DIST, f"ferry-{VERSION}-linux-x86_64-debug.tar.gz")
DEB = os.path.join(DIST, f"ferry_{VERSION}_amd64.deb")
RPM = os.path.join(DIST, f"ferry-{VERSION}-1.x86_64.rpm")
TREE = f"ferry-{VERSION}"


def run(*args, check=False, **kw):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=300, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} exited {p.returncode}: {p.stdout}{p.stderr}")
    return p


def in_root(root, *args, proc=True):
    """Runs args inside `root` as the new / (a new mount and pid namespace: /proc is that of the
    namespace, or absent)."""
    command = ["unshare", "--mount", "--pid", "--fork", f"--root={root}"]
    if os.geteuid() != 0:
        command.append("--map-root-user")
    if proc:
        os.makedirs(os.path.join(root, "proc"), exist_ok=True)
        command.append("--mount-proc")
    return run(*command, *args)


def elf_sections(path):
    return run("readelf", "-S", "-W", path, check=True).stdout


def needed(path):
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                      run("readelf", "-d", path).stdout)


def extract(archive, into):
    run("tar", "-xzf", archive, "-C", into, check=True)
    return os.path.join(into, TREE)


class Tarball(unittest.TestCase):
    def setUp(self):
        for path in (TARBALL, DEBUG_TARBALL):
            self.assertTrue(os.path.isfile(path), f"{path} is missing: run tools/package")
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-tarball-")
        self.root = self._tmp.name  # the empty root: nothing but what the test puts there
        self.tree = extract(TARBALL, self.root)

    def tearDown(self):
        self._tmp.cleanup()

    def test_layout_launchers_stripped_programs_and_separate_debug_info(self):
        for name in ("ferry", "ferry-checkpoint"):
            launcher = os.path.join(self.tree, "bin", name)
            program = os.path.join(self.tree, "libexec", name)
            self.assertTrue(os.access(launcher, os.X_OK) and os.access(program, os.X_OK))
            # The launcher is static: no loader of the host is involved.
            self.assertNotIn("INTERP", run("readelf", "-l", launcher, check=True).stdout)
            sections = elf_sections(program)
            self.assertNotIn(".debug_info", sections, f"{name} is not stripped")
            self.assertIn(".gnu_debuglink", sections)
        self.assertLess(os.path.getsize(os.path.join(self.tree, "libexec", "ferry")), 20 << 20)
        debug_tree = extract(DEBUG_TARBALL, tempfile.mkdtemp(dir=self.root))
        self.assertIn(".debug_info", elf_sections(os.path.join(debug_tree, "libexec", "ferry.debug")))
        share = os.path.join(self.tree, "share", "ferry")
        for name in ("ferry.service", "agent.example.json", "README", "docs/README.md",
                     "docs/operations.md", "licenses/libc6/copyright",
                     "licenses/libzstd1/copyright", "licenses/libcurl4/copyright"):
            self.assertTrue(os.path.isfile(os.path.join(share, name)), name)
        with open(os.path.join(share, "ferry.service")) as f:
            self.assertIn("ExecStart=/opt/ferry/bin/ferry --config /etc/aws-kinesis/agent.json",
                          f.read())

    def test_every_library_is_bundled_the_loader_and_libc_included(self):
        lib = os.path.join(self.tree, "lib")
        bundled = set(os.listdir(lib))
        self.assertTrue({"ld-linux-x86-64.so.2", "libc.so.6", "libstdc++.so.6", "libzstd.so.1",
                         "libcurl.so.4", "libssl.so.3"} <= bundled, sorted(bundled))
        elves = [os.path.join(self.tree, "libexec", n) for n in ("ferry", "ferry-checkpoint")]
        elves += [os.path.join(lib, n) for n in bundled]
        for elf in elves:
            for library in needed(elf):
                self.assertIn(library, bundled, f"{os.path.basename(elf)} needs {library}")
        # The program asks for the loader the launcher brings.
        self.assertIn("/lib64/ld-linux-x86-64.so.2",
                      run("readelf", "-l", elves[0], check=True).stdout)

    def ship_once(self, *, proc):
        """A directory flow with a consent rule, run with --once inside the empty root."""
        work = os.path.join(self.root, "work")
        for d in ("in", "out", "state"):
            os.makedirs(os.path.join(work, d), exist_ok=True)
        config = {"checkpointFile": "/work/state/checkpoints", "flows": [{
            "name": "events", "filePattern": "/work/in/*.log", "initialPosition": "START_OF_FILE",
            "directory": {"path": "/work/out", "keyPrefix": "events/"},
            "redact": [{"consentField": "data_share_consent", "fields": ["ssn_no"],
                        "replacement": "REDACTED_CONTENT", "flagField": "data_redacted"}]}]}
        with open(os.path.join(work, "agent.json"), "w") as f:
            json.dump(config, f)
        with open(os.path.join(work, "in", "a.log"), "w") as f:
            f.write('{"id":1,"ssn_no":"123-45-6789","data_share_consent":false}\n'
                    '{"id":2,"ssn_no":"987-65-4321","data_share_consent":true}\n')
        p = in_root(self.root, f"/{TREE}/bin/ferry", "--config", "/work/agent.json", "--once",
                    proc=proc)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        objects = glob.glob(os.path.join(work, "out", "events", "*.zst"))
        self.assertEqual(len(objects), 1, p.stderr)
        records = [json.loads(line) for line in
                   run("zstd", "-dc", objects[0], check=True).stdout.splitlines()]
        self.assertEqual(records, [
            {"id": 1, "ssn_no": "REDACTED_CONTENT", "data_share_consent": False,
             "data_redacted": True},
            {"id": 2, "ssn_no": "987-65-4321", "data_share_consent": True}])

    def test_runs_in_an_empty_root_with_proc(self):
        os.makedirs(os.path.join(self.root, "usr", "bin"))
        os.symlink(f"/{TREE}/bin/ferry", os.path.join(self.root, "usr", "bin", "ferry"))
        for program in (f"/{TREE}/bin/ferry", "/usr/bin/ferry"):  # a link to the launcher too
            p = in_root(self.root, program, "--version")
            self.assertEqual((p.returncode, p.stdout.strip()), (0, f"ferry {VERSION}"), p.stderr)
        self.ship_once(proc=True)

    def test_runs_in_an_empty_root_without_proc(self):
        # No /proc: the launcher finds itself from the path it was run by, and the tailer
        # checks each file's real location by its name and inode.
        self.assertFalse(os.path.exists(os.path.join(self.root, "proc")))
        p = in_root(self.root, f"/{TREE}/bin/ferry-checkpoint", "--help", proc=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.ship_once(proc=False)

    def test_a_launcher_without_its_tree_says_so(self):
        lone = os.path.join(self.root, "lone")
        os.makedirs(os.path.join(lone, "bin"))
        shutil.copy(os.path.join(self.tree, "bin", "ferry"), os.path.join(lone, "bin", "ferry"))
        p = in_root(self.root, "/lone/bin/ferry", "--version")
        self.assertEqual(p.returncode, 127)
        self.assertIn("ferry: cannot run /lone/lib/ld-linux-x86-64.so.2", p.stderr)


class DebianPackage(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.path.isfile(DEB), f"{DEB} is missing: run tools/package")
        self._tmp = tempfile.TemporaryDirectory(prefix="ferry-deb-")
        self.root = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def field(self, name):
        return run("dpkg-deb", "-f", DEB, name, check=True).stdout.strip()

    def test_control_depends_on_debian_packages_computed_from_the_binary(self):
        self.assertEqual(self.field("Package"), "ferry")
        self.assertEqual(self.field("Version"), VERSION)
        self.assertEqual(self.field("Architecture"), "amd64")
        depends = [d.strip() for d in self.field("Depends").split(",")]
        names = {re.match(r"[a-z0-9][a-z0-9+.-]*", d).group(0) for d in depends}
        self.assertTrue({"libc6", "libzstd1", "libcurl4", "libssl3", "libsimdjson14",
                         "libstdc++6"} <= names, depends)
        for name in names:  # each one is a Debian package of this machine
            self.assertEqual(run("dpkg-query", "-W", name).returncode, 0, name)
        self.assertRegex(self.field("Depends"), r"libc6 \(>= 2\.\d+\)")

    def test_installs_binaries_conffile_and_a_unit_that_systemd_accepts(self):
        for d in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(self.root, "var", "lib", "dpkg", d))
        open(os.path.join(self.root, "var", "lib", "dpkg", "status"), "w").close()
        p = run("dpkg", f"--root={self.root}", "--force-depends", "--force-script-chrootless",
                "--log=/dev/null", "-i", DEB)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        with open(os.path.join(self.root, "var", "lib", "dpkg", "info", "ferry.conffiles")) as f:
            self.assertEqual(f.read().split(), ["/etc/ferry/agent.json"])
        config = os.path.join(self.root, "etc", "ferry", "agent.json")
        self.assertEqual(os.stat(config).st_mode & 0o777, 0o600)
        binary = os.path.join(self.root, "usr", "bin", "ferry")
        version = run(binary, "--version")
        self.assertEqual(version.stdout.strip(), f"ferry {VERSION}", version.stderr)
        check = run(binary, "--config", config, "--check-config")
        self.assertEqual(check.returncode, 0, check.stderr)
        with open(os.path.join(self.root, "lib", "systemd", "system", "ferry.service")) as f:
            unit = f.read()
        self.assertIn("ExecStart=/usr/bin/ferry --config /etc/ferry/agent.json $AGENT_ARGS", unit)
        self.assertIn("Documentation=file:///usr/share/doc/ferry/operations.md", unit)
        # systemd-analyze checks that ExecStart's binary exists: point it into the tree.
        verified = os.path.join(self.root, "ferry.service")
        with open(verified, "w") as f:
            f.write(unit.replace("/usr/bin/ferry", binary))
        p = run("systemd-analyze", "verify", verified,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SYSTEMD_LOG_COLOR": "0"})
        self.assertEqual((p.returncode, (p.stdout + p.stderr).strip()), (0, ""))


class RpmPackage(unittest.TestCase):
    def setUp(self):
        self.assertTrue(os.path.isfile(RPM), f"{RPM} is missing: run tools/package")

    def query(self, *what):
        return run("rpm", "-qp", *what, RPM, check=True).stdout

    def test_requires_no_library_and_provides_none(self):
        requires = self.query("--requires").split("\n")
        for requirement in filter(None, requires):
            self.assertRegex(requirement, r"^(/bin/sh|rpmlib\(.*)$")
        provides = self.query("--provides")
        self.assertNotIn(".so", provides)  # the bundled libc is not offered to the host
        self.assertEqual(self.query("--qf", "%{NAME} %{VERSION} %{RELEASE} %{ARCH}"),
                         f"ferry {VERSION} 1 x86_64")

    def test_leaves_the_kinesis_agent_configuration_in_place(self):
        files = self.query("-l").split()
        self.assertNotIn("/etc/aws-kinesis/agent.json", files)
        self.assertTrue({"/usr/bin/ferry", "/opt/ferry/bin/ferry", "/opt/ferry/libexec/ferry",
                         "/opt/ferry/lib/libc.so.6", "/usr/lib/systemd/system/ferry.service"}
                        <= set(files))
        scripts = self.query("--scripts")
        self.assertIn("if [ ! -e /etc/aws-kinesis/agent.json ]; then", scripts)

    def test_payload_runs_in_an_empty_root_through_usr_bin(self):
        with tempfile.TemporaryDirectory(prefix="ferry-rpm-") as root:
            run("rpm", f"--root={root}", "--initdb", check=True)
            run("rpm", f"--root={root}", "-i", "--nodeps", "--noscripts", RPM, check=True)
            p = in_root(root, "/usr/bin/ferry", "--version")
            self.assertEqual((p.returncode, p.stdout.strip()), (0, f"ferry {VERSION}"), p.stderr)
            with open(os.path.join(root, "usr/lib/systemd/system/ferry.service")) as f:
                unit = f.read()
            self.assertIn("ExecStart=/usr/bin/ferry --config /etc/aws-kinesis/agent.json", unit)


class DockerImage(unittest.TestCase):
    def test_the_image_is_built_from_the_tarball(self):
        with open(os.path.join(SOURCE_DIR, "tools", "docker", "Dockerfile")) as f:
            text = f.read()
        self.assertEqual(len(re.findall(r"^FROM ", text, re.M)), 1, "one stage: no second build")
        self.assertRegex(text, rf"ARG FERRY_VERSION={re.escape(VERSION)}\n")
        self.assertIn("ADD dist/ferry-${FERRY_VERSION}-linux-x86_64.tar.gz /opt/", text)
        install = re.search(r"apt-get install[^\n]*\\\n((?:[^\n]*\\\n)+)", text)
        packages = set(install.group(1).replace("\\", " ").split()) - {"&&"}
        self.assertEqual(packages, {"ca-certificates", "curl"}, "the tarball brings the libraries")


if __name__ == "__main__":
    unittest.main()
