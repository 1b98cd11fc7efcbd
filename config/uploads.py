"""Uploads are held to their size limit as they arrive, not after.

Django keeps an upload of up to 2.5 MB in memory and writes a larger one to a temporary
file, whatever its size, before any form sees it. This handler, first in the chain, counts
each file's bytes: past MAX_UPLOAD_BYTES it passes none on, so nothing more is kept in
memory or on disk, and the form gets an empty stand-in that knows how large the file was and
says so ("The file is larger than 10 MB")."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """An upload refused for its size: its name and size, none of its bytes."""

    def __init__(self, name: str, size: int, content_type: str | None) -> None:
        from io import BytesIO

        super().__init__(BytesIO(), name=name, content_type=content_type, size=size)


class SizeLimitHandler(FileUploadHandler):
    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.MAX_UPLOAD_BYTES:
            return None  # the handlers after this one (memory, temporary file) get no more
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received > settings.MAX_UPLOAD_BYTES:
            return OversizedUpload(self.file_name, self.received, self.content_type)
        return None  # within the limit: the next handler's file
