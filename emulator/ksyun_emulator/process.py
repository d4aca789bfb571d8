"""The emulator in a child process: what the integration harness and the benchmarks start."""
import os
import subprocess
import sys
import time

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server.py")


class EmulatorProcess(object):
    """`python server.py --port 0` in `workdir`; `.url` once it listens. Its stderr goes to
    `workdir/emulator.err`; `--log workdir/emulator.log` keeps the request log."""

    def __init__(self, workdir, *extra, lifecycle_seconds=0, start_timeout=20):
        self.port_file = os.path.join(workdir, "port")
        self.log = os.path.join(workdir, "emulator.log")
        err = os.path.join(workdir, "emulator.err")
        with open(err, "w") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, SERVER, "--port", "0", "--port-file", self.port_file,
                 "--lifecycle-seconds", str(lifecycle_seconds), "--log", self.log] + list(extra),
                stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + start_timeout
        while not self._port():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                with open(err) as f:
                    raise RuntimeError("emulator did not start: " + f.read())
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % self._port()

    def _port(self):
        if not os.path.exists(self.port_file):
            return ""
        with open(self.port_file) as f:
            return f.read().strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
