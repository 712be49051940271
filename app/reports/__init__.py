"""PDF documents of Lan Tỏa, all drawn inside the Nghị định 30/2020/NĐ-CP frame (frame.py)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
