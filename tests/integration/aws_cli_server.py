"""Runs awscli commands sent by a test process (aws_cli.py), one at a time, in one process.

Started with the interpreter of awscli's own `aws` script, so the commands are exactly what that
script runs (awscli.clidriver), without its start-up (about 0.7 CPU s of imports per command).
Each command gets a fresh driver and session built from the environment it was sent with, as a
new `aws` process would, and its own working directory, stdout and stderr; stdin is empty.

Usage: aws_cli_server.py REQUEST_FD ANSWER_FD. Requests come on REQUEST_FD, one JSON line each
({"args", "env", "cwd"}); each answer goes to ANSWER_FD: a JSON line {"rc", "out", "err"} (the
byte counts), then those bytes. The process's own stdout and stderr are not the channel: a stray
write cannot corrupt it.
"""
import io
import json
import os
import sys

import awscli.clidriver

# awscli sets AWS_DATA_PATH when it is imported; every command needs it.
KEPT = {k: v for k, v in os.environ.items() if k == "AWS_DATA_PATH"}


def run(args, env, cwd):
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    out, err = io.BytesIO(), io.BytesIO()
    out_text = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    err_text = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    os.environ.clear()
    os.environ.update({**KEPT, **env})
    os.chdir(cwd)
    sys.stdin = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sys.stdout, sys.stderr = out_text, err_text
    try:
        rc = awscli.clidriver.create_clidriver().main(args)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # the answer says what went wrong; the server goes on
        err_text.write(f"aws_cli_server: {type(e).__name__}: {e}\n")
        rc = 255
    finally:
        out_text.flush()
        err_text.flush()
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return rc if rc is not None else 0, out.getvalue(), err.getvalue()


def main():
    request_fd, answer_fd = int(sys.argv[1]), int(sys.argv[2])
    with os.fdopen(request_fd, "rb") as requests, os.fdopen(answer_fd, "wb") as answers:
        for line in requests:
            request = json.loads(line)
            rc, out, err = run(request["args"], request["env"], request["cwd"])
            answers.write(json.dumps({"rc": rc, "out": len(out), "err": len(err)}).encode())
            answers.write(b"\n" + out + err)
            answers.flush()


if __name__ == "__main__":
    main()
