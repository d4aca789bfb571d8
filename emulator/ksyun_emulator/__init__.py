"""The ksyun container API emulator (see emulator/README.md).  Standard library only; never imports
plugins/ (nor ansible): the collection and the emulator are written independently."""
