"""Issue 22 item 5: photo bombs — pixel count from the header before decoding, request size, all or none."""

import io
import os
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.models import Photo
from tests.activities.helpers import make_activity
from tests.support import post_form


def png_bytes(size=(640, 480), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(out, fmt)
    return out.getvalue()


def png_bomb(side: int = 13000) -> bytes:
    """A valid grey PNG of side × side pixels (169 Mpx: ~170 MB decoded), a few hundred KB on disk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer, row, parts = zlib.compressobj(9), b"\x00" * (side + 1), []
    for _ in range(side):
        parts.append(packer.compress(row))
    parts.append(packer.flush())
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))


def _upload(client, activity, files):
    url = f"/activities/{activity.id}"
    return post_form(client, f"{url}/photos", {"photos": files}, form_url=url, content_type="multipart/form-data",
                     follow_redirects=True)


def _photos(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Photo))


@pytest.fixture
def writer(client, db, make_user, login):
    user = make_user("commune")
    login(user)
    return make_activity(user)


def test_a_13000_by_13000_png_is_refused_without_being_decoded(client, db, writer, monkeypatch):
    bomb = png_bomb()
    assert len(bomb) < 1024 * 1024
    decoded = []
    original = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self.size) or original(self))
    page = _upload(client, writer, [(io.BytesIO(bomb), "bom.png")]).get_data(as_text=True)
    assert "13000×13000 điểm ảnh, vượt giới hạn 40 triệu điểm ảnh" in page
    assert (13000, 13000) not in decoded
    assert _photos(db) == 0


def test_ten_photos_of_which_one_is_refused_store_none(app, client, db, writer):
    files = [(io.BytesIO(png_bytes((40, 30))), f"a{i}.png") for i in range(9)]
    files.insert(4, (io.BytesIO(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "hong.png"))
    page = _upload(client, writer, files).get_data(as_text=True)
    assert "Chưa lưu ảnh nào của lần gửi này" in page and "hong.png" in page
    assert _photos(db) == 0


def test_large_photo_is_downscaled_on_upload_and_its_thumbnail_stored_once(app, client, db, writer):
    page = _upload(client, writer, [(io.BytesIO(png_bytes((4000, 1000), "JPEG")), "rong.jpg")]).get_data(as_text=True)
    assert "Đã thêm 1 ảnh." in page
    photo = db.session.scalars(select(Photo)).one()
    with Image.open(os.path.join(app.config["UPLOAD_DIR"], photo.stored_name)) as stored:
        assert stored.size == (2560, 640) and (photo.width, photo.height) == (2560, 640)
    assert os.path.exists(os.path.join(app.config["UPLOAD_DIR"], photo.thumb_name))


def test_too_many_bytes_in_one_request_store_none(client, db, writer, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_REQUEST_BYTES", 200 * 1024)
    files = [(io.BytesIO(png_bytes((200, 200))), "a.png"),
             (io.BytesIO(os.urandom(300 * 1024)), "b.png")]
    page = _upload(client, writer, files).get_data(as_text=True)
    assert "Tổng dung lượng ảnh gửi một lần tối đa" in page
    assert _photos(db) == 0
