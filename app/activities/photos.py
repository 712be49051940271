"""Activity photos: checked by content, size and pixel count before decoding, downscaled, stored all or none."""

import io
import os
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from app.activities.validation import ActivityError
from app.extensions import db
from app.models import Activity, Photo
from app.models.audit import record

IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
THUMB_SIZE = 320

@dataclass(frozen=True)
class PreparedPhoto:
    """An upload checked and decoded (downscaled when too large), nothing written yet."""

    name: str
    content_type: str
    ext: str
    data: bytes
    image: Image.Image


def _pixel_count(data: bytes) -> tuple[str | None, int, int] | None:
    """(format, width, height) read from the header alone, nothing decoded (a 13000×13000 PNG of 0.5 MB would
    need 500 MB to decode); None when even Pillow's own bomb limit (twice MAX_IMAGE_PIXELS) is passed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own, lower limit is checked next
        try:
            with Image.open(io.BytesIO(data)) as probe:
                return probe.format, probe.width, probe.height
        except Image.DecompressionBombError:
            return None


def prepare_photo(upload, max_bytes: int, max_pixels: int, max_side: int) -> PreparedPhoto:
    """Check one JPEG/PNG/WebP upload by content, size and pixel count (before decoding it), then decode it;
    larger than `max_side` on its long side, it is downscaled and re-encoded (PDFs stay fast). ActivityError."""
    name = (getattr(upload, "filename", "") or "")[:255]
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ActivityError({"photos": f"Ảnh “{name}” lớn hơn {max_bytes // (1024 * 1024)} MB."})
    if not data:
        raise ActivityError({"photos": "Tệp ảnh rỗng."})
    try:
        header = _pixel_count(data)
        if header is None or header[1] * header[2] > max_pixels:
            size = f" có {header[1]}×{header[2]} điểm ảnh," if header else ""
            raise ActivityError({"photos": f"Ảnh “{name}”{size} vượt giới hạn {max_pixels // 1_000_000} triệu "
                                           "điểm ảnh."})
        fmt = header[0]
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP hợp lệ."}) from None
    if fmt not in IMAGE_TYPES:
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP."})
    content_type, ext = IMAGE_TYPES[fmt]
    if max(image.size) > max_side:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        image.save(out, fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {"optimize": True}))
        data = out.getvalue()
    return PreparedPhoto(name, content_type, ext, data, image)


def add_photos(activity: Activity, photos: list[PreparedPhoto], actor, upload_dir: str, max_files: int) -> list[Photo]:
    """Store checked photos, each with its ~320 px thumbnail made once: all of them, or (ActivityError) none."""
    if len(activity.photos) + len(photos) > max_files:
        raise ActivityError({"photos": f"Mỗi hoạt động tối đa {max_files} ảnh (đã có {len(activity.photos)})."})
    os.makedirs(upload_dir, exist_ok=True)
    stored = []
    try:
        for prepared in photos:
            stem = secrets.token_hex(16)
            photo = Photo(activity=activity, stored_name=stem + prepared.ext, thumb_name=stem + "_t.jpg",
                          content_type=prepared.content_type, size=len(prepared.data), width=prepared.image.width,
                          height=prepared.image.height, original_name=prepared.name, uploaded_by_id=actor.id)
            stored.append(photo)
            with open(os.path.join(upload_dir, photo.stored_name), "wb") as fh:
                fh.write(prepared.data)
            small = prepared.image.convert("RGB")
            small.thumbnail((THUMB_SIZE, THUMB_SIZE))
            small.save(os.path.join(upload_dir, photo.thumb_name), "JPEG", quality=82)
            db.session.add(photo)
        db.session.flush()
    except Exception:
        for photo in stored:  # the files of a batch that is not stored go too
            remove_files(photo, upload_dir)
        raise
    for photo in stored:
        record(actor.id, "add_photo", "activity", activity.id, photo_id=photo.id, name=photo.original_name,
               size=photo.size)
    return stored


def add_photo(activity: Activity, upload, actor, upload_dir: str, max_bytes: int, max_files: int,
              max_pixels: int = 40_000_000, max_side: int = 2560) -> Photo:
    """Store one photo (checked as `prepare_photo` does). Raises ActivityError."""
    return add_photos(activity, [prepare_photo(upload, max_bytes, max_pixels, max_side)], actor, upload_dir,
                      max_files)[0]


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
