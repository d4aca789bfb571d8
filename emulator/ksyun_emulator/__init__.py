"""The ksyun container API emulator (see README.md).  Standard library only; never imports plugins/."""
