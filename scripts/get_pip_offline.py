"""Stand-in for the get-pip script that ansible-test downloads from a host these machines cannot reach.

ansible-test runs it inside a fresh virtual environment as `python get_pip_X_Y.py [options] pip==X.Y ...`.
We bootstrap pip from the interpreter's bundled wheel (ensurepip), then let that pip install the
requested versions from the package index.
"""
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check"] + args)
