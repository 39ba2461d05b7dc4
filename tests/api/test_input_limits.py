"""Oversized input over HTTP: refused with 413 and a Chinese message, without reading it into memory."""
from __future__ import annotations

import io
import socket
import threading
import zipfile

import pytest
from werkzeug.serving import make_server

GIGABYTE = 1024 ** 3


class Endless(io.RawIOBase):
    """`size` bytes made on demand (never held in memory), counting what the server actually read."""

    def __init__(self, size: int):
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking to its end
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"x" * n
        self.position += n
        self.read_bytes += n
        return n


def _multipart_head(boundary: str, filename: str) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()


def test_a_declared_1gb_upload_is_refused_before_reading(client):
    body = Endless(GIGABYTE)
    answer = client.post("/api/v1/imports/standards", input_stream=body, content_length=GIGABYTE,
                         content_type="multipart/form-data; boundary=b0undary")
    assert answer.status_code == 413
    assert answer.json["code"] == "file_too_large" and "上限为 10 MB" in answer.json["message"]
    assert body.read_bytes < 1024 * 1024  # nothing of the gigabyte was buffered


def test_a_1gb_compare_body_is_refused_before_reading(client):
    body = Endless(GIGABYTE)
    answer = client.post("/api/v1/compare", input_stream=body, content_length=GIGABYTE, content_type="application/json")
    assert answer.status_code == 413 and answer.json["code"] == "payload_too_large"
    assert body.read_bytes < 1024 * 1024


def test_an_upload_without_length_is_refused_unread(app, headers_for):
    """A real server, a multipart body sent chunked (no Content-Length): 411 before anything is parsed."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/api/v1/imports/standards", "/api/v1/compare"):
            with socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as conn:
                conn.sendall((f"POST {path} HTTP/1.1\r\nHost: x\r\n"
                              f"Authorization: {headers_for('admin')['Authorization']}\r\n"
                              "Content-Type: multipart/form-data; boundary=b0undary\r\n"
                              "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode())
                head = _multipart_head("b0undary", "big.csv")
                conn.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(head), head))
                conn.shutdown(socket.SHUT_WR)  # the dev server drains the socket after answering: let it end
                response = b""
                while data := conn.recv(65536):
                    response += data
            assert response.split(b"\r\n", 1)[0].endswith(b"411 LENGTH REQUIRED"), response[:300]
            assert b'"code": "length_required"' in response or b'"code":"length_required"' in response
            assert "Content-Length".encode() in response.split(b"\r\n\r\n", 1)[1]
    finally:
        server.shutdown()
        thread.join()


def test_an_oversized_workbook_for_compare_is_refused_unread(client):
    body = Endless(GIGABYTE)
    answer = client.post("/api/v1/compare", input_stream=body, content_length=GIGABYTE,
                         content_type="multipart/form-data; boundary=b0undary")
    assert answer.status_code == 413 and answer.json["code"] == "file_too_large"
    assert body.read_bytes < 1024 * 1024


def test_a_zip_bomb_upload_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (300 * 1024 * 1024) + "</a>")
    answer = client.post("/api/v1/imports/standards", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(buffer.getvalue()), "bomb.xlsx")})
    assert answer.status_code == 413
    assert answer.json["code"] == "file_too_large" and "解压后" in answer.json["message"]


@pytest.mark.parametrize("path, message", [
    ("/api/v1/search?q=" + "会" * 201, "200"),
    ("/api/v1/standards?page_size=501", "1 到 500"),
    ("/api/v1/search?page_size=101", "1 到 100"),
])
def test_query_limits_are_422_with_the_limit_named(client, path, message):
    answer = client.get(path)
    assert answer.status_code == 422
    assert any(message in text for texts in answer.json["errors"].values() for text in texts), answer.json
