"""A bare Flask endpoint: the baseline the check-in POST is measured against (same gunicorn config)."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/ping")
def ping():
    """Parse the JSON body and answer 201, doing nothing else."""
    body = request.get_json(silent=True) or {}
    return jsonify({"ok": True, "n": len(body)}), 201


@app.get("/login")
def ready():
    """Readiness probe for bench.server.gunicorn."""
    return "ok"
