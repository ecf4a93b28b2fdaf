"""The walk of `content/` that finds the Markdown files, and what stops it: a name that is not
UTF-8, a symbolic link that leads back into the folders above it, a folder that cannot be
listed. Each is a problem at that path; the walk goes on and reports them all."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from site_builder.problems import ContentErrors, Problem


class ContentListing:
    """The Markdown files under `folder` (named `rel` in messages)."""

    def __init__(self, folder: Path, rel: str):
        self.folder = folder
        self.rel = rel
        self.problems: list[Problem] = []

    def stats(self) -> dict[str, tuple[int, int, int, int]]:
        """Every Markdown file → (size, mtime, ctime in ns, inode); raises ContentErrors for
        what cannot be listed."""
        found: dict[str, tuple[int, int, int, int]] = {}
        try:
            top = os.stat(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return found
        except OSError as exc:
            self._problem(self.rel, exc)
            raise ContentErrors(self.problems) from None
        stack = [(self.folder, self.rel, ((top.st_dev, top.st_ino),))]
        while stack:
            folder, rel, above = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                self._problem(rel, exc)
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                path = f"{rel}/{entry.name}"
                if not _is_utf8(entry.name):
                    self.problems.append(Problem(_shown(path), None, None, NOT_UTF8_NAME))
                    continue
                try:
                    if entry.is_dir(follow_symlinks=True):
                        st = entry.stat(follow_symlinks=True)
                        if (st.st_dev, st.st_ino) in above:
                            self.problems.append(Problem(path, None, None, LINK_LOOP))
                            continue
                        stack.append((Path(entry.path), path, (*above, (st.st_dev, st.st_ino))))
                    elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=True):
                        st = entry.stat()
                        found[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    elif entry.name.endswith(".md"):  # never opened: a FIFO would wait
                        self.problems.append(Problem(path, None, None, NOT_A_FILE))
                except OSError as exc:
                    self._problem(path, exc)
        if self.problems:
            raise ContentErrors(self.problems)
        return found

    def _problem(self, path: str, error: OSError) -> None:
        if error.errno == errno.ELOOP:
            message = LINK_LOOP
        elif isinstance(error, PermissionError):
            message = "cannot be listed (permission denied): give the user who builds access"
        else:
            message = f"cannot be listed ({error.strerror or error}): check the folder"
        self.problems.append(Problem(path, None, None, message))


NOT_UTF8_NAME = "the file name is not valid UTF-8: rename the file (letters, digits and -)"
NOT_A_FILE = "is not a regular file (a FIFO, a socket, a device or a broken link): make it a file"
LINK_LOOP = "a symbolic link that leads back to a folder above it (a loop): remove the link"


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by Python as lone surrogates
        return False
    return True


def _shown(path: str) -> str:
    """`path` printable: the bytes that are not UTF-8 as `\\xe9`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
