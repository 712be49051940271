"""Activity photos (SPEC §3): JPEG/PNG/WebP checked by content, a thumbnail, files under UPLOAD_DIR; audited."""

import io
import os
import secrets

from PIL import Image, UnidentifiedImageError

from app.activities.validation import ActivityError
from app.extensions import db
from app.models import Activity, Photo
from app.models.audit import record

IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
THUMB_SIZE = 320


def add_photo(activity: Activity, upload, actor, upload_dir: str, max_bytes: int, max_files: int) -> Photo:
    """Store one JPEG/PNG/WebP photo (type checked by content) with a ~320 px thumbnail. Raises ActivityError."""
    name = (getattr(upload, "filename", "") or "")[:255]
    if len(activity.photos) >= max_files:
        raise ActivityError({"photos": f"Mỗi hoạt động tối đa {max_files} ảnh."})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ActivityError({"photos": f"Ảnh “{name}” lớn hơn {max_bytes // (1024 * 1024)} MB."})
    if not data:
        raise ActivityError({"photos": "Tệp ảnh rỗng."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP hợp lệ."}) from None
    if fmt not in IMAGE_TYPES:
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP."})
    content_type, ext = IMAGE_TYPES[fmt]
    os.makedirs(upload_dir, exist_ok=True)
    stem = secrets.token_hex(16)
    stored, thumb = stem + ext, stem + "_t.jpg"
    with open(os.path.join(upload_dir, stored), "wb") as fh:
        fh.write(data)
    small = image.convert("RGB")
    small.thumbnail((THUMB_SIZE, THUMB_SIZE))
    small.save(os.path.join(upload_dir, thumb), "JPEG", quality=82)
    photo = Photo(activity=activity, stored_name=stored, thumb_name=thumb, content_type=content_type,
                  size=len(data), width=image.width, height=image.height, original_name=name,
                  uploaded_by_id=actor.id)
    db.session.add(photo)
    db.session.flush()
    record(actor.id, "add_photo", "activity", activity.id, photo_id=photo.id, name=name, size=len(data))
    return photo


def remove_files(photo: Photo, upload_dir: str) -> None:
    """Remove a photo's files (missing files are fine)."""
    for name in (photo.stored_name, photo.thumb_name):
        try:
            os.remove(os.path.join(upload_dir, name))
        except FileNotFoundError:
            pass


def delete_photo(photo: Photo, actor, upload_dir: str) -> None:
    """Delete one photo and its files."""
    record(actor.id, "delete_photo", "activity", photo.activity_id, photo_id=photo.id, name=photo.original_name)
    remove_files(photo, upload_dir)
    db.session.delete(photo)
    db.session.flush()
