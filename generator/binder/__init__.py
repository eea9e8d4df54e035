"""Closing binders (`dealdocs binder`): every document of a closing in one PDF with its
index, the closing's outside documents, and the signature packets of each signing (the
amendment's in OUT/<deal id>/amendment-signing/, each closing's in its binder's folder).

1. contents.py: what goes into a closing's binder, at which tab (pure).
2. outside.py: the outside documents the term sheet lists: checked, read, converted.
3. signatures.py: the signature packets of a signing (generator/signings.py says who
   signs which page when), from the documents' PDFs.
4. pages.py: the cover, index and packet covers, as HTML and PDF pages (the index also
   as a document for the Word writer).
5. assemble.py: the binder from those pages (pypdf): outline, page labels, links, fixed
   metadata.
6. index_docx.py: the index as a Word file; manifest.py: the binder's manifest, and
   what the binder is made from, to leave one that is up to date as it is.
7. closing.py: one closing's files, from all of the above; build.py: the binders of
   chosen closings and the amendment's signing's packets.

The files are written by generator/build/transaction.py `update_part`, as one
transaction of the deal folder. Only contents.py and outside.py are imported by the
checks; pypdf and WeasyPrint wait until a binder is assembled, so that `dealdocs
validate` stays quick.
"""
