"""The size gate of every file upload (multipart form): refused before a byte of the body is parsed."""
from __future__ import annotations

from functools import wraps

from flask import request

from registry.errors import DomainError
from registry.spreadsheet import MAX_BYTES, FileTooLarge

# What multipart framing and the other form fields may add to the file itself.
FORM_OVERHEAD = 64 * 1024


class LengthRequired(DomainError):
    status = 411
    code = "length_required"


def limit_upload(view):
    """A multipart body must say its length (Content-Length) and stay within the file limit.

    Without a length (chunked transfer) the form parser would spool the file to disk before any
    limit could be checked, so such uploads are refused outright; browsers, curl -F and every
    HTTP library send the length for a file anyway.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.mimetype == "multipart/form-data":
            limit = MAX_BYTES + FORM_OVERHEAD
            if request.content_length is None:
                raise LengthRequired("上传文件时须提供 Content-Length 请求头（不支持分块传输）", code="length_required")
            if request.content_length > limit:
                raise FileTooLarge(f"文件过大，上限为 {MAX_BYTES // 1024 // 1024} MB；请拆分后分批提交")
            request.max_content_length = limit
        return view(*args, **kwargs)

    return wrapper
