"""`python -m ksyun_emulator`: the server's command line (the same as the `ksyun-emulator` command)."""
import sys

from .server import main

if __name__ == "__main__":
    sys.exit(main())
