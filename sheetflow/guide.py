"""The Petunjuk sheet's content: how to fill the register, in Indonesian, from the workflow.

Both backends render these lines (an .xlsx template, a Google Sheet set up by sheetflow).
Explanations are keyed by column, status and workflow id; a key without one is simply
left unexplained, and every limit quoted comes from the workflow, as sync checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .workflow import Column, ColumnType, Workflow


@dataclass(frozen=True)
class Line:
    kind: Literal["title", "section", "row"]
    values: tuple[str, ...]
    fill: str | None = None  # a status colour, on the first cell


def guide_lines(workflow: Workflow, *, in_file: bool) -> list[Line]:
    lines = [Line("title", ("Petunjuk Pengisian Register",)),
             Line("row", ("Nomor SOP", workflow.sop_number)),
             Line("row", ("Judul SOP", workflow.title)),
             Line("section", ("Siapa mengisi kolom apa", "Kolom", "Diisi oleh", "Keterangan"))]
    lines += [Line("row", (c.header, workflow.roles[c.filled_by], _column_help(c))) for c in workflow.columns]
    lines.append(Line("section", ("Arti warna Status", "Status", "Langkah SOP", "Arti")))
    for status in workflow.statuses:
        step = f"Langkah {status.step}" if status.step else "Sebelum langkah 1"
        lines.append(Line("row", (status.label, step, _STATUS_HELP.get(status.key, "")), fill=status.colour))
    if steps := _SOP_STEPS.get(workflow.id):
        lines.append(Line("section", ("Langkah SOP", "Langkah", "Pelaksana", "Kegiatan, kelengkapan, dan waktu")))
        lines += [
            Line("row", (f"Langkah {number}", workflow.roles[role], text.format(columns=workflow.column)))
            for number, (role, text) in enumerate(steps, start=1)
        ]
    lines.append(Line("section", ("Cara kerja sync", "Hal", "", "Penjelasan")))
    lines += [Line("row", (topic, "", text)) for topic, text in _sync_help(workflow, in_file=in_file)]
    return lines


def _column_help(column: Column) -> str:
    text = _COLUMN_HELP.get(column.key, "").format(column=column)
    if column.choices:
        text = f"{text} Pilih dari daftar: {', '.join(column.choices)}.".strip()
    return text


def _sync_help(workflow: Workflow, *, in_file: bool) -> list[tuple[str, str]]:
    register = workflow.sheets.register_
    notes = workflow.column["notes"].header
    help_lines = [
        ("Kolom putih dan abu-abu",
         f"Isi kolom berlatar putih di lembar {register} sesuai peran Anda (lihat tabel di atas). Kolom "
         "berlatar abu-abu diisi oleh sistem dan dikunci; mohon jangan diubah. Status yang diubah "
         "dikembalikan dan dicatat di Riwayat."),
    ]
    flag = next((c for c in workflow.columns if c.type is ColumnType.FLAG), None)
    if flag:
        help_lines.append(
            ("Menyerahkan",
             f"Bila semua kolom sudah lengkap, isi Ya (atau centang) pada kolom {flag.header}. Pada sync "
             "berikutnya baris itu diperiksa dan diterima bila sudah memenuhi syarat.")
        )
    help_lines += [
        ("Setiap kali sync",
         "Sistem memeriksa setiap baris, lalu mengisi nomor register, status, waktu setiap langkah, dan "
         f"{notes}. Sync yang tidak menemukan perubahan tidak mengubah berkas."),
        (notes, f"Bila status belum sesuai harapan, baca {notes}: di sana tertulis apa yang perlu "
                "diperbaiki."),
        (workflow.sheets.history,
         f"Lembar {workflow.sheets.history} hanya ditulis oleh sistem: setiap perubahan status tercatat di "
         "sana beserta waktu, pelaku, dan alasannya, dan tidak boleh diubah."),
        (workflow.sheets.recap,
         f"Lembar {workflow.sheets.recap} diperbarui otomatis setiap kali sync dijalankan."),
    ]
    if in_file:
        help_lines.append(
            ("Sebelum sync",
             "Simpan dan tutup berkas ini; sync tidak berjalan selama berkas masih dibuka di Excel atau "
             "LibreOffice.")
        )
    return help_lines




_COLUMN_HELP = {
    "register_no": "Nomor tetap baris ini, diberikan otomatis saat baris pertama kali diisi "
                   "(contoh 2024/0007).",
    "activity_date": "Tanggal kegiatan (Hari H), misalnya 03/07/2024; tidak boleh lebih dari hari ini.",
    "activity_name": "Nama kegiatan yang didokumentasikan.",
    "team_name": "Nama petugas atau unit yang menyerahkan dokumentasi.",
    "documentation_kind": "Jenis dokumentasi yang diserahkan.",
    "documentation_count": "Jumlah foto/video, berupa bilangan bulat, minimal {column.min}.",
    "documentation_links": "Tautan folder atau berkas dokumentasi (misalnya Google Drive, dibagikan ke akun "
                           "sheetflow), atau jalur folder di komputer/jaringan kantor; satu per baris.",
    "narrative": "Narasi berita: teks minimal {column.min_length} karakter, atau tautan ke dokumen narasi.",
    "caption": "Keterangan untuk unggahan, maksimal {column.max_length} karakter.",
    "handover": "Isi Ya bila dokumentasi dan konten sudah lengkap dan siap diserahkan (langkah 1).",
    "reviewer": "Nama pemeriksa yang menangani baris ini (langkah 3).",
    "decision": "Keputusan pemeriksaan (langkah 4).",
    "approved_by": "Pihak yang menyetujui; wajib diisi bila keputusannya TERIMA.",
    "response": "Tanggapan tertulis pemeriksa; wajib diisi bila keputusannya TOLAK.",
    "upload_links": "Tautan unggahan di media sosial, satu per baris; diisi setelah Disetujui (langkah 5).",
    "status": "Tahap baris ini dalam alur SOP; lihat arti warnanya di bawah.",
    "notes": "Temuan sistem: apa yang belum sesuai dan apa yang perlu dilakukan.",
    "handed_over_at": "Waktu pertama kali diserahkan.",
    "received_at": "Waktu diterima dalam keadaan lengkap dan sah (langkah 2).",
    "reviewed_at": "Waktu mulai diperiksa (langkah 3).",
    "decided_at": "Waktu keputusan (langkah 4).",
    "published_at": "Waktu diunggah (langkah 5).",
    "revision": "Berapa kali diserahkan ulang setelah ditolak atau setelah persetujuan dicabut.",
    "timeliness": "Tepat waktu, atau langkah mana yang terlambat dan berapa hari.",
    "verified_count": "Jumlah foto/video yang ditemukan sistem di Tautan Dokumentasi saat diserahkan.",
    "fingerprint": "Kolom tersembunyi: sidik isi pada saat keputusan, untuk mengetahui perubahan sesudahnya.",
}

_STATUS_HELP = {
    "draft": "Sudah ada isi, tetapi belum diserahkan.",
    "needs_fix": "Sudah diserahkan tetapi belum memenuhi syarat; baca Catatan Sistem lalu perbaiki.",
    "waiting_review": "Lengkap dan sah, sudah diterima; menunggu pemeriksa.",
    "in_review": "Sedang diperiksa oleh Tim Pertimbangan Pelayanan Informasi.",
    "rejected": "Ditolak; perbaiki sesuai Tanggapan Tertulis, lalu serahkan lagi.",
    "approved": "Disetujui; menunggu diunggah oleh Admin Medsos.",
    "published": "Sudah diunggah ke media sosial.",
}

# The SOP's own steps: (role key, what happens), formatted with the workflow's columns
# so that the limits quoted here are the ones sync checks.
_SOP_STEPS = {
    "sop-010-2024": (
        ("team", "Menyerahkan dokumentasi kegiatan (foto dan/atau video) dan narasi berita kepada Tim "
                 "Pertimbangan Pelayanan Informasi. Kelengkapan: minimal {columns[documentation_count].min} "
                 "dokumentasi, narasi berita, dan caption kegiatan maksimal {columns[caption].max_length} "
                 "karakter. Waktu: Hari H, setelah kegiatan."),
        ("reviewers", "Menerima dokumentasi dan konten. Waktu: Hari H, setelah diserahkan."),
        ("reviewers", "Memeriksa dan mengoreksi dokumentasi dan konten. Waktu: Hari H, setelah diserahkan."),
        ("reviewers", "Memutuskan TERIMA atau TOLAK disertai tanggapan tertulis; bila TOLAK, dokumentasi "
                      "kembali ke Tim Pelaksana untuk diperbaiki dan diserahkan lagi. Waktu: Hari H, "
                      "setelah diserahkan."),
        ("admin", "Mengunggah konten yang sudah diverifikasi beserta persetujuan Tim Pertimbangan Pelayanan "
                  "Informasi dan/atau Ketua PPID Pembantu dan/atau Atasan PPID Pembantu. Waktu: Hari H, "
                  "setelah diserahkan."),
    ),
}
