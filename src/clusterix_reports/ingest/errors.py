"""The one error of reading a file: it cannot be read at all, and the message says why."""


class UnreadableFileError(Exception):
    """A file that cannot be read at all; the message says why, for a person."""
