"""Letters: render DOCX templates from `letters/`, archive them unchanged, PDF/A, review, print.

Public entry points (import from the modules):
- handler.letter_handler(call)                        service-task topic `letter`
- archive.list_letters / get_letter                    archive look-ups for the API
- review.approve_letter / reject_letter / preview_html review before sending
- pdf.pdf_available / convert_pending_pdfs / letter_pdf PDF/A-2b via LibreOffice
- print_batch.print_batch / mark_sent                  sending
- bench.run_benchmark                                  throughput (make bench)
"""
