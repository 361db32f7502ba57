"""The one catalogue of words sheetflow says to people, in Indonesian and English.

Findings, history reasons, hints and timeliness phrases are rendered from here by
code; ``{header}`` and ``{value}`` are filled from the finding.
"""

from __future__ import annotations

from string import Formatter

LANGUAGES = ("id", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    # ---- step-1 rules and unreadable cells
    "required-missing": {
        "id": "{header} wajib diisi.",
        "en": "{header} must be filled in.",
    },
    "date-unreadable": {
        "id": "{header} '{value}' bukan tanggal yang dikenali; tulis seperti 3 Juli 2024 atau 03/07/2024.",
        "en": "{header} '{value}' is not a date sheetflow can read; write it like 3 Juli 2024 or 03/07/2024.",
    },
    "date-impossible": {
        "id": "{header} '{value}' tidak ada di kalender; periksa tanggal dan bulannya.",
        "en": "{header} '{value}' is not on the calendar; check the day and the month.",
    },
    "date-in-future": {
        "id": "{header} {date} belum tiba; dokumentasi diserahkan setelah kegiatan berlangsung.",
        "en": "{header} {date} has not come yet; documentation is handed over after the activity.",
    },
    # ---- a date cell whose day and month a program set to English may have swapped
    "date-day-month-swapped": {
        "id": "{header} {date} atau {swapped}? Program berbahasa Inggris membaca tanggal dengan bulan lebih dulu, "
              "sehingga hari dan bulannya bisa tertukar. Tulis tanggalnya dengan nama bulan agar pasti: "
              "{swapped_words} (atau {date_words} bila memang itu tanggalnya).",
        "en": "{header} {date} or {swapped}? A program set to English reads dates month first, so the day and "
              "month may have been swapped. Write the date with the month's name to be sure: {swapped_words} "
              "(or {date_words} if that is the date).",
    },
    "whole-unreadable": {
        "id": "{header} '{value}' bukan bilangan bulat; tulis angkanya, misalnya 5.",
        "en": "{header} '{value}' is not a whole number; write the number, for example 5.",
    },
    "whole-too-small": {
        "id": "{header} {value}: minimal {min}. Lengkapi dokumentasi hingga minimal {min}.",
        "en": "{header} {value}: at least {min} are needed. Add documentation up to at least {min}.",
    },
    "choice-unknown": {
        "id": "{header} '{value}' bukan pilihan yang tersedia; pilih salah satu: {choices}.",
        "en": "{header} '{value}' is not one of the choices; pick one of: {choices}.",
    },
    "flag-unreadable": {
        "id": "{header} '{value}' tidak dikenali; isi Ya atau centang kotaknya, atau kosongkan.",
        "en": "{header} '{value}' is not understood; write Ya or tick the box, or leave it empty.",
    },
    "urls-missing": {
        "id": "{header} wajib berisi minimal satu tautan http(s), satu per baris.",
        "en": "{header} must hold at least one http(s) link, one per line.",
    },
    "url-invalid": {
        "id": "{header}: '{line}' bukan tautan http(s); tulis satu tautan per baris, tanpa teks lain.",
        "en": "{header}: '{line}' is not an http(s) link; write one link per line and nothing else.",
    },
    "narrative-too-short": {
        "id": "{header} baru {length} karakter; tulis minimal {min} karakter atau tempel tautan ke dokumen narasi.",
        "en": "{header} is only {length} characters; write at least {min} or paste a link to the document.",
    },
    "text-too-long": {
        "id": "{header} {length} karakter; maksimal {max} karakter. Persingkat {excess} karakter.",
        "en": "{header} is {length} characters; at most {max} characters. Shorten it by {excess}.",
    },
    # ---- refusals and breaches
    "reject-without-response": {
        "id": "Keputusan TOLAK belum dicatat: isi {header} dengan alasan dan saran perbaikan.",
        "en": "The TOLAK decision is not recorded yet: fill in {header} with the reasons and what to fix.",
    },
    "approve-without-signoff": {
        "id": "Keputusan TERIMA belum dicatat: isi {header} (siapa yang menyetujui).",
        "en": "The TERIMA decision is not recorded yet: fill in {header} (who signed off).",
    },
    "decision-without-reviewer": {
        "id": "Keputusan belum dicatat: isi Pemeriksa (nama yang memeriksa) terlebih dahulu.",
        "en": "The decision is not recorded yet: fill in Pemeriksa (the reviewer's name) first.",
    },
    "decision-not-handed-over": {
        "id": "Keputusan belum dapat dicatat: konten belum diserahkan dan lengkap.",
        "en": "The decision cannot be recorded: the content is not handed over and complete.",
    },
    "upload-before-approval": {
        "id": "PELANGGARAN SOP: {header} diisi sebelum konten disetujui. Unggahan harus menunggu persetujuan.",
        "en": "BREACH OF THE SOP: {header} is filled before the content was approved. Uploads wait for approval.",
    },
    "changed-after-upload": {
        "id": "Konten diubah setelah diunggah; unggahan tidak berubah. Periksa apakah unggahan perlu disunting.",
        "en": "The content changed after it was uploaded; the post did not. Check whether it needs editing.",
    },
    "upload-links-invalid": {
        "id": "{header} '{value}' bukan tautan http(s) yang benar; status tetap Disetujui sampai diperbaiki.",
        "en": "{header} '{value}' is not a proper http(s) link; the status stays Disetujui until fixed.",
    },
    "renumbered": {
        "id": "Baris ini salinan dari {original}; diberi nomor baru {number} dan diproses sebagai konten baru.",
        "en": "This row is a copy of {original}; it got the new number {number} and is treated as new content.",
    },
    "status-restored": {
        "id": "Status '{value}' diketik manual dan tidak sesuai riwayat; dikembalikan ke {status}.",
        "en": "Status '{value}' was typed by hand and is not supported by the history; restored to {status}.",
    },
    # ---- a note longer than a cell holds
    "notes-more": {
        "id": "• … dan {count} catatan lain yang tidak muat di sel ini.",
        "en": "• … and {count} more notes that do not fit in this cell.",
    },
    # ---- decisions changed in the cells, and copies that brought another row's decision
    "copy-archived": {
        "id": "Baris ini salinan dari {original}: isian pemeriksaan dan unggahan yang ikut tersalin bukan "
              "keputusan untuk salinan ini; diarsipkan di sini dan dikosongkan.",
        "en": "This row is a copy of {original}: the review and upload cells copied with it are not a decision "
              "on this copy; archived here and cleared.",
    },
    "record-changed": {"id": "{header}: {old} → {new}.", "en": "{header}: {old} → {new}."},
    "signoff-cleared": {
        "id": "{header} dikosongkan setelah persetujuan dicatat; Riwayat tetap mencatat {recorded}. "
              "Pilih kembali dari daftar.",
        "en": "{header} was emptied after the approval was recorded; the history still records {recorded}. "
              "Pick it again from the list.",
    },
    "decision-cleared": {
        "id": "{header} dikosongkan setelah keputusan {recorded} dicatat; status tetap. Isi kembali {recorded}, "
              "atau TOLAK beserta Tanggapan Tertulis untuk menolak.",
        "en": "{header} was emptied after the decision {recorded} was recorded; the status stays. Fill in "
              "{recorded} again, or TOLAK with a Tanggapan Tertulis to reject.",
    },
    "decision-changed-after-revision": {
        "id": "Keputusan TERIMA tidak dicatat: konten sudah diubah sejak ditolak. Tim Pelaksana menyerahkan "
              "ulang (Serahkan = Ya) agar versi baru diperiksa.",
        "en": "The TERIMA decision is not recorded: the content changed since it was rejected. The team hands it "
              "over again (Serahkan = Ya) so the new version is reviewed.",
    },
    "decision-changed-after-upload": {
        "id": "{header} diubah menjadi '{value}' setelah konten diunggah (Riwayat mencatat {recorded}); status "
              "tetap Diunggah. Bila unggahan perlu diturunkan, Admin Medsos yang melakukannya.",
        "en": "{header} was changed to '{value}' after the content was uploaded (the history records {recorded}); "
              "the status stays Diunggah. If the post must come down, the social-media admin does it.",
    },
    # ---- evidence: the photos and videos behind Tautan Dokumentasi, counted
    "evidence-counted": {
        "id": "Bukti dihitung: {count} foto/video ditemukan di balik tautan dokumentasi.",
        "en": "Evidence counted: {count} photos/videos found behind the documentation links.",
    },
    "evidence-found": {
        "id": "Bukti: {count} foto/video ditemukan di {header} ({names}).",
        "en": "Evidence: {count} photos/videos found in {header} ({names}).",
    },
    "evidence-below-minimum": {
        "id": "{header}: hanya {count} foto/video yang ditemukan; SOP mensyaratkan minimal {min}. "
              "Tambahkan berkasnya ke folder itu.",
        "en": "{header}: only {count} photos/videos were found; the SOP requires at least {min}. "
              "Add the files to that folder.",
    },
    "evidence-below-typed": {
        "id": "{header}: ditemukan {count} foto/video, lebih sedikit dari {typed} yang ditulis di {typed_header}. "
              "Lengkapi berkasnya atau perbaiki angkanya.",
        "en": "{header}: {count} photos/videos were found, fewer than the {typed} written in {typed_header}. "
              "Add the files or correct the number.",
    },
    "evidence-not-shared": {
        "id": "{header}: sheetflow tidak dapat membuka {link}. Bagikan folder itu (Lihat) ke {account}; "
              "sync berikutnya menghitung ulang.",
        "en": "{header}: sheetflow cannot open {link}. Share that folder (Viewer) with {account}; "
              "the next sync counts again.",
    },
    "evidence-unavailable": {
        "id": "{header}: berkas di {link} belum dapat dihitung ({reason}); sync berikutnya mencoba lagi.",
        "en": "{header}: the files at {link} could not be counted yet ({reason}); the next sync tries again.",
    },
    "evidence-not-found": {
        "id": "{header}: folder {link} tidak ada atau tidak dapat dibaca dari komputer sync; periksa jalurnya.",
        "en": "{header}: the folder {link} does not exist or cannot be read from the sync computer; check the path.",
    },
    # ---- history reasons, one per transition id
    "transition-create": {"id": "Baris baru dicatat.", "en": "New row recorded."},
    "transition-hand-over-incomplete": {
        "id": "Diserahkan, tetapi belum memenuhi syarat langkah 1.",
        "en": "Handed over, but step 1's requirements are not met.",
    },
    "transition-hand-over": {"id": "Diserahkan lengkap dan diterima.", "en": "Handed over complete and received."},
    "transition-fixed": {"id": "Diperbaiki dan diterima.", "en": "Fixed and received."},
    "transition-withdrawn": {"id": "Penyerahan dibatalkan.", "en": "Hand-over withdrawn."},
    "transition-broken-while-waiting": {
        "id": "Konten diubah dan tidak lagi memenuhi syarat langkah 1.",
        "en": "The content changed and no longer meets step 1's requirements.",
    },
    "transition-take-for-review": {"id": "Mulai diperiksa.", "en": "Review started."},
    "transition-reject": {"id": "Keputusan TOLAK.", "en": "Decision: TOLAK."},
    "transition-approve": {"id": "Keputusan TERIMA.", "en": "Decision: TERIMA."},
    "transition-resubmit": {
        "id": "Diserahkan ulang setelah ditolak; keputusan lama diarsipkan.",
        "en": "Handed over again after rejection; the old decision is archived.",
    },
    "transition-approval-revoked": {
        "id": "Persetujuan dicabut: konten diubah setelah disetujui; keputusan lama diarsipkan.",
        "en": "Approval revoked: the content changed after approval; the old decision is archived.",
    },
    "transition-publish": {"id": "Diunggah ke media sosial.", "en": "Uploaded to social media."},
    "transition-decision-changed-to-reject": {
        "id": "Keputusan diubah menjadi TOLAK sebelum diunggah.",
        "en": "The decision was changed to TOLAK before the upload.",
    },
    "transition-decision-changed-to-approve": {
        "id": "Keputusan diubah menjadi TERIMA; konten tidak berubah sejak ditolak.",
        "en": "The decision was changed to TERIMA; the content did not change since the rejection.",
    },
    "transition-signoff-corrected": {"id": "Koreksi penyetuju.", "en": "Sign-off corrected."},
    # ---- form responses taken into the register (intake)
    "form-taken": {
        "id": "Diambil dari tanggapan formulir ({source}), dikirim {submitted}.",
        "en": "Taken from the form responses ({source}), submitted {submitted}.",
    },
    "form-unmapped": {
        "id": "Tanggapan formulir di {source} baris {row} (dikirim {submitted}) tidak dapat diambil: tidak ada "
              "judul pertanyaan yang sama dengan judul kolom register. Samakan judul pertanyaannya; tanggapan ini "
              "diambil pada sync berikutnya.",
        "en": "The form response in {source} row {row} (submitted {submitted}) cannot be taken: no question title "
              "is a register header. Give the questions the headers' titles; it is taken on the next sync.",
    },
    "form-file-unreadable": {
        "id": "Berkas formulir {source} tidak dapat dibaca sekarang ({reason}); tanggapannya diambil pada sync "
              "berikutnya yang dapat membacanya.",
        "en": "The form file {source} cannot be read now ({reason}); its responses are taken by the next sync "
              "that can read it.",
    },
    "form-sheet-missing": {
        "id": "Lembar tanggapan formulir '{source}' tidak ada di register; periksa form_sheet di sheetflow.toml "
              "(nama lembar persis, misalnya Tanggapan Formulir 1) dan apakah formulirnya masih tertaut.",
        "en": "The form responses sheet '{source}' is not in the register; check form_sheet in sheetflow.toml "
              "(the sheet's exact name, such as Tanggapan Formulir 1) and that the form is still linked.",
    },
    "out-form-taken": {
        "id": "{rows} tanggapan formulir diambil menjadi baris baru register.",
        "en": "{rows} form responses were taken as new register rows.",
    },
    "out-form-covered": {
        "id": "Formulir ({sheet}): setiap kolom pengajuan ada pertanyaannya.",
        "en": "Form ({sheet}): every submission column has its question.",
    },
    "out-form-missing": {
        "id": "Formulir ({sheet}): belum ada pertanyaan untuk {missing}. Tambahkan pertanyaan yang judulnya persis "
              "judul kolom itu.",
        "en": "Form ({sheet}): no question for {missing}. Add questions titled exactly as those headers.",
    },
    "out-form-none": {
        "id": "Belum ada sheet tanggapan formulir (Form Responses 1 atau Tanggapan Formulir 1). Bila serah terima "
              "memakai Google Form, tautkan formulirnya: Tanggapan → Tautkan ke Spreadsheet.",
        "en": "No form responses sheet yet (Form Responses 1 or Tanggapan Formulir 1). If hand-overs use a Google "
              "Form, link it: Responses → Link to Sheets.",
    },
    # ---- what to do next, per status
    "hint-draft": {
        "id": "Lengkapi kolom pengajuan, lalu isi Serahkan dengan Ya.",
        "en": "Complete the submission columns, then set Serahkan to Ya.",
    },
    "hint-waiting-review": {
        "id": "Menunggu Tim Pertimbangan: isi Pemeriksa untuk mulai memeriksa.",
        "en": "Waiting for the reviewers: fill in Pemeriksa to start the review.",
    },
    "hint-in-review": {
        "id": "Sedang diperiksa: isi Keputusan (TERIMA/TOLAK) beserta Disetujui Oleh atau Tanggapan Tertulis.",
        "en": "Under review: fill in Keputusan (TERIMA/TOLAK) with Disetujui Oleh or Tanggapan Tertulis.",
    },
    "hint-rejected": {
        "id": "Ditolak: baca Tanggapan Tertulis, perbaiki konten, lalu isi Serahkan dengan Ya lagi.",
        "en": "Rejected: read Tanggapan Tertulis, revise the content, then set Serahkan to Ya again.",
    },
    "hint-approved": {
        "id": "Disetujui: Admin Medsos mengunggah dan mengisi Tautan Unggahan.",
        "en": "Approved: the social-media admin uploads it and fills in Tautan Unggahan.",
    },
    # ---- timeliness
    "on-time": {"id": "Tepat waktu", "en": "On time"},
    "late": {"id": "Terlambat: {steps}", "en": "Late: {steps}"},
    "pending": {"id": "belum {step}", "en": "not yet {step}"},
    # ---- recap sheet
    "recap-title": {"id": "Rekap {title}", "en": "Recap: {title}"},
    "recap-status": {"id": "Status", "en": "Status"},
    "recap-count": {"id": "Jumlah", "en": "Count"},
    "recap-month": {"id": "Bulan Kegiatan", "en": "Activity month"},
    "recap-total": {"id": "Total", "en": "Total"},
    "recap-on-time": {"id": "Tepat waktu (%)", "en": "On time (%)"},
    "recap-undated": {"id": "Tanpa tanggal", "en": "No date"},
    "recap-chart": {"id": "Jumlah baris per status", "en": "Rows per status"},
    "recap-per-month": {"id": "Per bulan kegiatan", "en": "Per activity month"},
    "recap-no-group": {"id": "(kosong)", "en": "(empty)"},
    "recap-per-group": {"id": "Per {group}", "en": "Per {group}"},
    "recap-on-time-step": {"id": "Tepat waktu {step} (%)", "en": "On time, {step} (%)"},
    "recap-median-step": {"id": "Median jam sampai {step}", "en": "Median hours to {step}"},
    "recap-rejections": {"id": "Penolakan dan alasannya", "en": "Rejections and their reasons"},
    "recap-breaches": {"id": "Pelanggaran SOP dan persetujuan dicabut", "en": "Breaches and revoked approvals"},
    "recap-number": {"id": "No. Register", "en": "Register no."},
    "recap-activity": {"id": "Nama Kegiatan", "en": "Activity"},
    "recap-when": {"id": "Waktu", "en": "Time"},
    "recap-reason": {"id": "Alasan", "en": "Reason"},
    "recap-kind": {"id": "Jenis", "en": "Kind"},
    "recap-none": {"id": "(tidak ada)", "en": "(none)"},
    # ---- command output
    "out-synced": {"id": "{source}: sync selesai pada {now}.", "en": "{source}: synced at {now}."},
    "out-checked": {
        "id": "{source}: pemeriksaan (tidak ada yang ditulis) pada {now}.",
        "en": "{source}: dry run (nothing written) at {now}.",
    },
    "out-nothing": {"id": "Tidak ada yang berubah.", "en": "Nothing changed."},
    "out-would-nothing": {"id": "Sync tidak akan mengubah apa pun.", "en": "Sync would change nothing."},
    "out-changed": {
        "id": "Berubah: {rows} baris, {cells} sel, {history} baris Riwayat.",
        "en": "Changed: {rows} rows, {cells} cells, {history} history rows.",
    },
    "out-would-change": {
        "id": "Akan berubah: {rows} baris, {cells} sel, {history} baris Riwayat.",
        "en": "Would change: {rows} rows, {cells} cells, {history} history rows.",
    },
    "out-attention": {
        "id": "{rows} baris perlu perhatian (lihat Catatan Sistem).",
        "en": "{rows} rows need attention (see Catatan Sistem).",
    },
    "out-status": {"id": "Status", "en": "Status"},
    "out-rows": {"id": "Baris", "en": "Rows"},
    "out-row": {"id": "Baris {row}", "en": "Row {row}"},
    "out-cells": {"id": "ubah", "en": "changes"},
    "out-history": {"id": "riwayat", "en": "history"},
    "out-finding": {"id": "temuan", "en": "finding"},
    "out-new": {"id": "(baru)", "en": "(new)"},
    "out-setup": {
        "id": "{source} disiapkan seperti templat ({changes} perubahan).",
        "en": "{source} prepared like the template ({changes} changes).",
    },
    "out-setup-nothing": {
        "id": "{source} sudah siap; tidak ada yang diubah.",
        "en": "{source} is already set up; nothing changed.",
    },
    "out-moved": {
        "id": "{rows} baris dipindah orang saat sync menulis; sudah dikembalikan dan ditulis ke baris yang benar.",
        "en": "{rows} rows were moved by someone while sync wrote; repaired and written to the right rows.",
    },
    "out-fleet-ok": {
        "id": "{name}: selesai ({changed} baris berubah, {attention} perlu perhatian).",
        "en": "{name}: done ({changed} rows changed, {attention} need attention).",
    },
    "out-fleet-checked": {
        "id": "{name}: diperiksa ({changed} baris akan berubah, {attention} perlu perhatian).",
        "en": "{name}: checked ({changed} rows would change, {attention} need attention).",
    },
    "out-notify-failed": {
        "id": "Pemberitahuan tidak dikirim: {error}",
        "en": "Notifications were not sent: {error}",
    },
    "out-fleet-failed": {"id": "{name}: GAGAL: {error}", "en": "{name}: FAILED: {error}"},
    "out-fleet-total": {
        "id": "{ok} dari {total} register berhasil disinkronkan.",
        "en": "{ok} of {total} registers synced.",
    },
    "out-printed": {"id": "PDF ditulis: {path}", "en": "PDF written: {path}"},
    "out-verified": {
        "id": "Riwayat utuh: {entries} baris, rantai cocok; setiap Status sesuai riwayatnya.",
        "en": "History intact: {entries} rows, the chain matches; every Status agrees with its history.",
    },
    "out-chain-broken": {
        "id": "Riwayat baris {row} diubah atau disisipkan, atau ada baris sebelumnya yang dihapus: "
              "rantai putus di sana.",
        "en": "History row {row} was edited or inserted, or a row before it was deleted: the chain breaks there.",
    },
    "out-status-unsupported": {
        "id": "Register baris {row} ({number}): Status '{shown}' tidak didukung riwayat (menurut riwayat: {expected}).",
        "en": "Register row {row} ({number}): Status '{shown}' is not supported by the history (history: {expected}).",
    },
    # ---- the end of Riwayat, sealed in Rekap
    "recap-seal": {"id": "Segel Riwayat", "en": "History seal"},
    "history-cut": {
        "id": "Akhir Riwayat tidak cocok dengan segelnya di sheet Rekap (tercatat {sealed} baris, ada {found}): "
              "baris terakhir Riwayat dihapus atau diubah, atau segelnya diubah, sejak sync sebelumnya.",
        "en": "The end of the history does not match its seal in the Rekap sheet ({sealed} rows sealed, {found} "
              "found): its last rows were deleted or edited, or the seal was edited, since the previous sync.",
    },
    "history-unsealed": {
        "id": "Segel Riwayat tidak ditemukan di sheet Rekap, padahal Riwayat berisi {found} baris: tidak dapat "
              "dibuktikan bahwa baris terakhirnya utuh. Sync memasang segel baru.",
        "en": "The history seal is missing from the Rekap sheet though the history holds {found} rows: that its "
              "last rows are all there cannot be proven. Sync sets a new seal.",
    },
    "out-seal-mismatch": {
        "id": "Akhir Riwayat tidak cocok dengan segelnya di sheet Rekap: baris terakhir Riwayat dihapus atau "
              "diubah, atau segelnya diubah.",
        "en": "The end of the history does not match its seal in the Rekap sheet: its last rows were deleted or "
              "edited, or the seal was edited.",
    },
    "out-seal-missing": {
        "id": "Segel Riwayat tidak ada di sheet Rekap: tidak dapat dibuktikan bahwa baris terakhir Riwayat utuh.",
        "en": "The history seal is missing from the Rekap sheet: that the history's last rows are all there "
              "cannot be proven.",
    },
    "out-seal-logged": {
        "id": "Riwayat baris {row}: sync mencatat bahwa akhir Riwayat tidak terbukti utuh di sana.",
        "en": "History row {row}: sync recorded there that the end of the history could not be proven whole.",
    },
    "out-initialised": {
        "id": "Register baru dibuat: {path}. Buka dengan Excel atau LibreOffice dan baca sheet Petunjuk.",
        "en": "New register created: {path}. Open it in Excel or LibreOffice and read the Petunjuk sheet.",
    },
    "out-demo": {
        "id": "Register demo disalin ke {path} dan disinkronkan. Buka berkas itu untuk melihat hasilnya.",
        "en": "The demo register was copied to {path} and synced. Open it to see the result.",
    },
}

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def render(code: str, lang: str, **params: object) -> str:
    entry = CATALOGUE[code]
    template = entry.get(lang, entry["id"])
    return template.format_map({name: params.get(name, "") for name in _fields(template)})


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(template) if name]
