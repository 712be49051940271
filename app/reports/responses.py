"""How a document leaves the app: PDF bytes sent inline, the frozen copy of a submitted report (pages and API);
where the photos it draws are stored."""

import io
from pathlib import Path

from flask import current_app, send_file


def pdf_response(pdf: bytes, filename: str):
    """Send PDF bytes inline, with a download name."""
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=filename, as_attachment=False)


def frozen_response(submission):
    """The stored copy of a submitted commune report, with its submission time in a header."""
    response = pdf_response(submission.pdf, f"bao-cao-{submission.campaign.slug}-{submission.commune.code}-da-nop.pdf")
    response.headers["X-Report-Submitted-At"] = submission.submitted_at.isoformat()
    response.headers["X-Report-SHA256"] = submission.pdf_sha256 or ""
    return response


def upload_dir() -> Path:
    """Where activity photos are stored."""
    return Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
