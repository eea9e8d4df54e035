"""What the desk's interview calls each value of a term sheet and what it says about it, in
a paralegal's words: the one place the desk's wording lives. The model's docstrings are the
reference (`dealdocs schema`); where one speaks code (a key, a command, a template's path),
it is rewritten here, and every other label and help comes from the model as it is.

Values are named by pattern: their path with each list index as `[]` and each key of a
per-closing mapping as `{}` (`schedule_a[].principal.{}`)."""

from __future__ import annotations

import re

SECTIONS = {
    "deal": ("The amendment", "What the documents are called and the date they are made as of."),
    "company": ("The company", "The borrower: its name, where notices go and who signs for it."),
    "market": ("Where the stock trades", "The exchange, and where prices and times come from."),
    "governing_law": ("Governing law", "Which State's law governs and where disputes are heard."),
    "agreements": ("Earlier agreements", "Every agreement the documents refer to, once."),
    "lenders": ("Lenders", "Each lender, as it appears on its note and signature page."),
    "prior_securities_exercise": ("Prior securities exercised",
                                  "The lenders convert or exercise earlier securities."),
    "additional_warrants": ("Additional warrants",
                            "The warrants the lenders receive for the exercise."),
    "closings": ("Closings", "Each closing: its date and the notes and warrants issued at it."),
    "event_date": ("Event Date", "What a closing that follows the Event Date waits for."),
    "collective_names": ("Names of all the securities",
                         "What the documents call the notes and warrants of every closing "
                         "together; leave empty for the usual names."),
    "note_terms": ("Note terms", "Interest, installments, prices and thresholds of the notes."),
    "schedule_a": ("Schedule A", "What each lender puts in at each closing."),
    "schedule_a_totals": ("Schedule A totals as stated",
                          "The total row as a source document states it, to check it."),
    "assignments": ("Assignments", "A lender assigning part of its right to purchase."),
    "termination": ("Termination", "When the lenders may terminate without the approval."),
    "fee_reimbursements": ("Legal fees reimbursed", "Fees deducted from what a lender pays."),
    "registration": ("Registration", "The deadlines of the resale registration statement."),
    "waivers": ("Waivers", "Deadlines and limits the lenders waive or extend."),
    "public_announcement": ("Public announcement", "The press release and the Form 8-K."),
    "counsel": ("Independent counsel", "The law firm the independent-counsel clause names."),
    "signatures_return_to": ("Where signed pages go",
                             "Who collects the signed signature pages."),
    "amendment": ("What the amendment does", "The agreements it amends and its sections."),
    "templates": ("The firm's own forms", "A folder of the firm's templates, if any."),
}
"""Each top-level section: the step's title and what it is about."""

LABELS = {
    "deal.id": "Short name of the deal",
    "deal.number": "Amendment number",
    "deal.exhibit": "Exhibit number",
    "deal.date": "Dated as of",
    "company.common_stock_par_value": "Par value per share",
    "market.exchange_short": "Exchange (as regulator)",
    "market.vwap_function": "Price source's VWAP function",
    "lenders[].id": "Short name (id)",
    "agreements[].id": "Short name (id)",
    "closings[].id": "Short name (id)",
    "closings[].date": "Closing date",
    "closings[].trigger": "Closing follows",
    "schedule_a[].lender": "Lender",
    "counsel.represents": "Lender it represents",
    "assignments[].from": "From lender",
    "assignments[].to": "To lender",
    "amendment.amends[]": "Agreement amended",
    "amendment.sections[]": "Section",
    "agreements[].amended_by[]": "Amended by",
    "waivers.prior_transactions[]": "Earlier agreement",
    "closings[].outside_documents[].signed_by[]": "Signed by",
    "note_terms.interest_payment_days[]": "Interest payment day (MM-DD)",
}
"""Labels where the key's own words would not do ("Vwap function", "Sections 1")."""

HELP = {
    "deal.id": "Lowercase letters, digits and dashes; it names the folder the documents are "
               "written to.",
    "additional_warrants.collective_name": "The warrants of all the lenders together: "
                                           "\"Additional Warrants\" (Schedule A's heading); "
                                           "left out, the name above.",
    "amendment.sections[]": "An operative section of the amendment, from the firm's clause "
                            "library, in order.",
    "closings[].id": "Lowercase, no dash: \"third\". Schedule A and the notes' file names use "
                     "it.",
    "closings[].trigger": "What the closing follows: the exchange's approval of the issuance, "
                          "or the Event Date; left out, the date of the amendment.",
    "closings[].outside_documents": "Documents of this closing's binder that the desk does not "
                                    "draft (an opinion, a certificate), each with its tab, "
                                    "title and file.",
    "closings[].signatures_to": "Where the parties return the pages they sign at this closing, "
                                "as its signature packets' covers say. Left out: the deal's "
                                "\"Where signed pages go\".",
    "collective_names.note": "One note, as the text names the form: \"April Note\". Left out: "
                             "the name of all the notes, in the singular.",
    "collective_names.warrants": "All the warrants: \"April Warrants\". Left out: made from the "
                                 "closings' warrant names.",
    "company.shares_outstanding": "Shares of Common Stock issued and outstanding, as last "
                                  "known; with each lender's shares held, a conversion is "
                                  "checked against the note's ownership limits.",
    "note_terms.floating_rate.index": "The rate index: Term SOFR, the prime rate, or LIBOR "
                                      "(for the 2006 deals).",
    "lenders[].shares_held": "Shares of Common Stock the lender and its Affiliates own, as "
                             "last known; a conversion is checked against the note's "
                             "ownership limits with it.",
    "note_terms.fixed_rate_percent": "Interest rate a year, until the notes are paid or the "
                                     "floating rate begins (7.5).",
    "closings[].outside_documents[].signed_by[]": "The company or a lender: their signature "
                                                  "packets for the closing take its "
                                                  "signature page.",
    "note_terms.prior_financings[].agreement": "One of the earlier agreements.",
    "note_terms.prior_financings[].instrument": "What it issued: debentures or notes.",
    "note_terms.prior_financings[].defined_as": "The note's defined term for the agreement, "
                                                "when not the agreement's own: \"2005 Loan "
                                                "Agreement\".",
    "note_terms.prior_financings[].securities": "The note's defined term for its securities, "
                                                "when not the agreement's notes' name: \"2005 "
                                                "Notes\".",
    "schedule_a[].percent": "Instead of principal: this lender's percentage of each closing's "
                            "aggregate principal.",
    "signatures_return_to": "Where every party returns its signed signature pages (a "
                            "closing's own address comes first). Left out, lenders return "
                            "theirs to the company.",
    "templates": "A folder of the firm's own forms, next to this term sheet: each file there "
                 "replaces the bundled form of the same name.",
}
"""Help where the model's docstring speaks code."""

REFERENCES = {
    "schedule_a[].lender": "lenders", "counsel.represents": "lenders",
    "assignments[].from": "lenders", "assignments[].to": "lenders",
    "fee_reimbursements[].lender": "lenders", "fee_reimbursements[].closing": "closings",
    "prior_securities_exercise.agreement": "agreements",
    "note_terms.prior_financings[].agreement": "agreements",
    "amendment.amends[]": "agreements", "agreements[].amended_by[]": "agreements",
    "agreements[].in_connection_with": "agreements",
    "waivers.prior_transactions[]": "agreements",
    "closings[].outside_documents[].signed_by[]": "signers",
}
"""Values that name another part of the term sheet, chosen from a list: the list's key."""

CHOICES = {
    "exchange_approval": "the exchange's approval",
    "event_date": "the Event Date",
    "actual/360": "actual days over a 360-day year",
    "debentures": "debentures", "notes": "notes",
    "prior_securities_exercise": "the exercise price of the prior warrants",
}
"""How a fixed choice of the model reads in a select."""

ITEMS = {
    "lenders": "lender", "closings": "closing", "agreements": "agreement",
    "schedule_a": "Schedule A row", "eligible_markets": "market", "sections": "section",
    "amends": "agreement", "price_adjustments": "price adjustment",
    "outside_documents": "outside document", "assignments": "assignment",
    "fee_reimbursements": "fee reimbursement", "litigation_thresholds": "litigation threshold",
    "existing_creditors": "creditor", "prior_financings": "prior financing",
    "interest_payment_days": "payment day", "prior_transactions": "agreement",
}
"""What one item of a list is called: "Add a lender"."""

FORMATS = {
    "US dollars in whole cents, e.g. 20,000,000": "Dollars, e.g. 1,000,000 or 25.51",
    "US dollars per share, up to six decimal places, e.g. 25.51 or 0.0001":
        "Dollars per share, e.g. 25.51",
    "percent, 0 < x <= 100": "Percent, without the % sign, e.g. 35",
    "percent a year, e.g. 7.5": "Percent a year, e.g. 7.5",
    "whole shares": "Whole shares, e.g. 19,444",
}
"""How a figure is written, from its type's description in the model."""

FLAGS = {
    "--note": "Note", "--date": "Conversion Date", "--principal": "Principal to convert",
    "--interest": "Convert the interest accrued on it too", "--index-rate": "Index rates",
    "--again": "Record it again", "--rescind": "Rescind",
}
"""The command line's options, as the desk's forms name them."""

REWORDED = {
    "still the starter's placeholder": "must be given",
    "replace it with this deal's value": "give this deal's value",
}
"""What the checks say of the file's text, as the form shows it (a date still to be given
is an empty date, not a placeholder)."""

_CODE = re.compile(r"`([^`]*)`")
_FLAG = re.compile(r"--[a-z][a-z-]*")
_ELSEWHERE = re.compile(r"\s*\([^()]*(?:CSV|command line|column)[^()]*\)")


def pattern(path: tuple, per_closing: frozenset[int] = frozenset()) -> str:
    """The pattern that names the value at `path`; the parts at `per_closing` (positions of
    a per-closing mapping's keys) as `{}`."""
    text = ""
    for position, part in enumerate(path):
        if isinstance(part, int):
            text += "[]"
        elif position in per_closing:
            text += ".{}"
        else:
            text += ("." if text else "") + part
    return text


def label(key: str) -> str:
    """A key in words: `notice_address` -> "Notice address"; `schedule_a` -> "Schedule A"."""
    if key in SECTIONS:
        return SECTIONS[key][0]
    words = key.split("_")
    return " ".join([words[0].capitalize()] + [w.upper() if len(w) == 1 else w for w in words[1:]])


def item_name(list_key: str) -> str:
    return ITEMS.get(list_key, label(list_key).lower().removesuffix("s"))


def plain(text: str) -> str:
    """A message in the user's words: each `key` or `section.key` the checks name in code is
    named as the interview labels it, each option of the command line as the desk's forms
    name it; what concerns a CSV batch or the command line alone is left out."""
    def words(match: re.Match[str]) -> str:
        code = match.group(1).rstrip(":")
        if not re.fullmatch(r"[a-z_.]+", code):
            return code
        return "“" + label(code.rsplit(".", 1)[-1]) + "”"
    for said, reworded in REWORDED.items():
        text = text.replace(said, reworded)
    text = _ELSEWHERE.sub("", _CODE.sub(words, text))
    return _FLAG.sub(lambda match: "“" + FLAGS.get(match.group(0), match.group(0)) + "”"
                     if match.group(0) in FLAGS else match.group(0), text)
