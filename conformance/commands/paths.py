"""The file arguments of the commands: checked before anything is read, and shown safely.

* A path that cannot be read is a usage error that says why: no such file, a symbolic link loop,
  a link to nothing, no permission. A named pipe (FIFO) or a socket is refused too: opening a FIFO
  waits for a writer, forever if none comes. A descriptor the shell already opened (``<(…)``,
  ``/dev/stdin``) is read as it is.
* A name is shown with its control characters escaped (:func:`shown`): a newline in a file name
  would otherwise start a line of output that the command never wrote.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

#: Paths that name a descriptor this process inherited: a pipe there already has its writer.
_OPEN_DESCRIPTORS = ("/dev/stdin", "/dev/fd/", "/proc/self/fd/")


def shown(path: Path | str) -> str:
    """``path`` as text safe to print on one line: control and other unprintable characters escaped
    (a newline as ``\\n``), everything else as it is."""
    text = str(path)
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else character.encode("unicode_escape", "backslashreplace").decode("ascii") for character in text)


def problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file or searched as a directory; ``None`` when it can."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link loop"
        if error.errno == errno.ENOENT:
            return "a symbolic link to nothing" if os.path.islink(path) else "no such file or directory"
        if error.errno == errno.EACCES:
            return "permission denied"
        return error.strerror or str(error)
    if stat.S_ISFIFO(mode) and not str(path).startswith(_OPEN_DESCRIPTORS):
        return "a named pipe (FIFO), which would be read only once something writes to it; give a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return None


def problems(paths: Iterable[Path]) -> str | None:
    """One line naming every path that cannot be read and why, or ``None``."""
    found = [f"{shown(path)}: {why}" for path in paths if (why := problem(path))]
    return "; ".join(found) if found else None
