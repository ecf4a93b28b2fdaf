"""The text of a file an author wrote, however their editor saved it.

Windows editors and git's `autocrlf` write CRLF line ends, some editors start UTF-8 with a
byte order mark, and old Mac files end lines with a lone CR. All of them read as the same
text with LF line ends, so line numbers, parsing and the rendered HTML are those of the LF
file. The file itself is never rewritten.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

BOM = b"\xef\xbb\xbf"


class NotUTF8(ValueError):
    """Bytes that are not UTF-8; `line` is where the first bad byte is (1-based)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def decode_text(raw: bytes) -> str:
    """`raw` as text: UTF-8 with or without a byte order mark, lines ending in LF, CRLF or CR
    (old Mac), all read as LF. Raises `NotUTF8` with the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = normal_line_ends(raw[: exc.start].decode("utf-8", "replace")).count("\n") + 1
        raise NotUTF8(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}): "
            "save the file as UTF-8",
            line,
        ) from None
    return normal_line_ends(text)


def normal_line_ends(text: str) -> str:
    """CRLF and lone CR line ends as LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_source(path: Path) -> bytes:
    """The bytes of the regular file at `path`. Anything else (a folder, a FIFO, a device)
    raises an `OSError` at once: opening never waits for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(fd)


def unreadable(error: OSError) -> str:
    """What the author sees for a source file that cannot be read, and what to do."""
    if isinstance(error, IsADirectoryError):
        return "is a folder, not a file: remove or rename the folder"
    if isinstance(error, PermissionError):
        return "cannot be read (permission denied): give the user who builds read access"
    if error.errno == errno.ELOOP:
        return "is a symbolic link that leads back to itself: remove the link"
    if isinstance(error, FileNotFoundError):
        return "cannot be read: it was removed while the site was read (or is a broken link)"
    return f"cannot be read ({error.strerror or error}): make it a readable file"
