"""The headers of the history sheet (``Riwayat``): the template writes them, sync appends below."""

HISTORY_HEADERS = (
    "Waktu",
    "No. Register",
    "Dari",
    "Ke",
    "Peran",
    "Nama",
    "Alasan",
    "Sidik Konten",
    "Kode",
    "Arsip",
    # Each row's link in a hash chain over the rows before it: an edit by hand shows.
    "Rantai",
)
