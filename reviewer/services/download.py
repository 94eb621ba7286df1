"""A chair's download key: OpenSSH's sftp-server, read-only, confined to the workspace's export
folder.

``reviewer download`` is the key's forced command. It makes the export folder where missing,
confines itself with Landlock (``files.landlock``: from then on it and what it executes may
open only the export folder, for reading, and the system's libraries and the few files of
``/etc`` sftp-server reads at its start) and executes ``sftp-server -R`` (read-only) started in
the export folder, allowing only the requests that read. Without Landlock it refuses rather
than serve the account's other files.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

from reviewer.files import landlock
from reviewer.workspace import WorkspaceError, make_exports_folder

#: Where systems install OpenSSH's sftp-server: Debian and Ubuntu, Fedora and RHEL, Arch and SUSE, BSD and macOS.
SFTP_SERVERS = ("/usr/lib/openssh/sftp-server", "/usr/libexec/openssh/sftp-server", "/usr/lib/ssh/sftp-server",
                "/usr/libexec/ssh/sftp-server", "/usr/libexec/sftp-server")

#: The SFTP requests that change nothing (``sftp-server -Q requests`` less the writing ones);
#: ``-R`` refuses the others too.
READ_REQUESTS = ("open,close,read,lstat,fstat,opendir,readdir,realpath,stat,readlink,statvfs,fstatvfs,"
                 "limits,expand-path,home-directory,users-groups-by-id")

#: What sftp-server needs to start under Landlock: its libraries (read and execute) and the
#: files it and the C library read (its account by getpwuid, the dynamic linker's cache).
SYSTEM_CODE = ("/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/libexec")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/localtime")


def find_sftp_server(given: str | Path | None = None) -> Path:
    """The sftp-server program: ``given``, or the first of ``SFTP_SERVERS`` there is."""
    candidates = [Path(given)] if given else [Path(p) for p in SFTP_SERVERS]
    for path in candidates:
        if path.is_absolute() and path.is_file() and os.access(path, os.X_OK):
            return path
    found = given and shutil.which(str(given))
    if found:
        return Path(found).resolve()
    if given:
        raise WorkspaceError(f"{given}: sftp-server（実行できる OpenSSH の sftp-server）がありません")
    raise WorkspaceError("OpenSSH の sftp-server が見つかりません（探した場所: " + "、".join(SFTP_SERVERS) +
                         "）。--sftp-server で絶対パスを指定してください")


def confinement_problem() -> str | None:
    """Why downloads cannot be confined on this machine (None where they can)."""
    if landlock.abi_version() < 1:
        return ("このサーバーでは Landlock（Linux 5.13 以降のカーネルの機能）が使えないため、書き出し用のフォルダだけに"
                "限ったダウンロードはできません")
    return None


def sftp_arguments(sftp_server: Path, folder: Path) -> list[str]:
    """sftp-server's command line: read-only (``-R``), reading requests only (``-p``), started in
    ``folder`` (``-d``: only the start; sftp-server expands ``%`` there, so it is doubled), and
    each file opened logged to the system log (``-l INFO``, facility AUTH)."""
    return [str(sftp_server), "-R", "-p", READ_REQUESTS, "-d", str(folder).replace("%", "%%"), "-l", "INFO"]


def serve_downloads(workspace: Path, sftp_server: str | Path | None = None) -> NoReturn:
    """Become the export folder's read-only sftp-server (this process is replaced; nothing is
    written to stdout before, which carries the SFTP protocol). WorkspaceError where the
    workspace, sftp-server or Landlock is missing."""
    folder = make_exports_folder(workspace)
    server = find_sftp_server(sftp_server)
    problem = confinement_problem()
    if problem:
        raise WorkspaceError(problem + "。管理者に連絡してください")
    rules = [(folder, landlock.READ_FILE | landlock.READ_DIR), (server, landlock.READ_FILE | landlock.EXECUTE)]
    rules += [(Path(p), landlock.READ_FILE | landlock.EXECUTE) for p in SYSTEM_CODE]
    rules += [(Path(p), landlock.READ_FILE) for p in SYSTEM_FILES]
    rules.append((Path(os.devnull), landlock.READ_FILE | landlock.WRITE_FILE))
    try:
        landlock.confine(rules)
    except OSError as e:
        raise WorkspaceError(f"ダウンロードを書き出し用のフォルダに限れません（{e.strerror or e}）") from None
    args = sftp_arguments(server, folder)
    try:
        os.execv(args[0], args)
    except OSError as e:
        raise WorkspaceError(f"{server}: 起動できません（{e.strerror or e}）") from None
