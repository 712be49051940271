"""Task products as files (SPEC §14): PDF, DOCX, XLSX, JPG or PNG, ≤ 20 MB, the type read from the bytes.

A file whose bytes are not what its name says (an HTML page named `.pdf`) is refused before anything is
written; an accepted one is stored under UPLOAD_DIR/tasks with a random name.
"""

import io
import os
import secrets
import zipfile

MAX_BYTES = 20 * 1024 * 1024
EXTENSIONS = {  # extension -> the type its bytes must be
    "pdf": "pdf", "docx": "docx", "xlsx": "xlsx", "jpg": "jpg", "jpeg": "jpg", "png": "png",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


class FileRefused(ValueError):
    """The file cannot be a task product; the message says why, in Vietnamese."""


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The type the bytes are (pdf, docx, xlsx, jpg, png), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            names = set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def check(filename: str, content: bytes) -> tuple[str, str]:
    """(extension, content type) of an acceptable product file; FileRefused otherwise."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in EXTENSIONS:
        raise FileRefused("Chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG.")
    if not content:
        raise FileRefused("Tệp rỗng.")
    if len(content) > MAX_BYTES:
        raise FileRefused("Tệp lớn hơn 20 MB.")
    kind = sniff(content[:16], content)
    if kind != EXTENSIONS[ext]:
        raise FileRefused(f"Nội dung tệp không phải {ext.upper()} như tên tệp (tệp bị từ chối, không lưu).")
    return kind, CONTENT_TYPES[kind]


def store(upload_dir: str, kind: str, content: bytes) -> str:
    """Write the bytes under UPLOAD_DIR/tasks with a random name; returns the stored name."""
    folder = os.path.join(upload_dir, "tasks")
    os.makedirs(folder, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{kind}"
    with open(os.path.join(folder, name), "xb") as fh:
        fh.write(content)
    return name


def path_of(upload_dir: str, stored_name: str) -> str:
    """Where a stored product file is."""
    return os.path.join(upload_dir, "tasks", os.path.basename(stored_name))
