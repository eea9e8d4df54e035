"""Closing binders (`dealdocs binder`): every document of a closing in one PDF with its
index, the signature packets, and the closing's outside documents.

1. contents.py: what goes into a closing's binder, at which tab (pure).
2. outside.py: the outside documents the term sheet lists: checked, read, converted.
3. signatures.py: which pages each party signs, from the documents' PDFs and HTML.
4. pages.py: the cover, index and packet covers, as HTML and PDF pages (the index also
   as a document for the Word writer).
5. assemble.py: the binder and the packets from those pages (pypdf): outline, page
   labels, links, fixed metadata.
6. index_docx.py: the index as a Word file; manifest.py: the binder's manifest, and
   what the binder is made from, to leave one that is up to date as it is.
7. closing.py: one closing's files, from all of the above.

The files are written by generator/build/transaction.py `update_part`, as one
transaction of the deal folder. Only contents.py and outside.py are imported by the
checks; pypdf and WeasyPrint wait until a binder is assembled, so that `dealdocs
validate` stays quick.
"""
