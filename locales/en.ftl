# Interface strings of the default theme. Every key here must exist:
# other languages fall back to these when a key is missing.
skip-to-content = Skip to content
choose-language = Choose your language
language-label = Language
emergency-title = Emergency contacts
all-contacts = All contacts
contacts-title = Useful contacts
corridors-title = Guides
contents = Contents
print-guide = Print the whole guide
download-pdf = Pocket guide (PDF)
save-contacts = Save all contacts to your phone
notice-fallback = This chapter is not yet translated into { $language }. It is shown in { $shown }.
notice-outdated = The original of this chapter has changed since it was translated. Some details here may be out of date.
read-source = Read the current version in { $language }
contact-hours = Hours
contact-languages = Languages
previous = Previous
next = Next
guide-home = Guide home
updated = Updated
chapters-untranslated = { $count ->
    [one] { $count } chapter is not yet translated and is shown in another language.
   *[other] { $count } chapters are not yet translated and are shown in another language.
}
not-found-title = Page not found
not-found-text = This page does not exist. Choose your language to find the guide.
wallet-card = Cut out and keep in your wallet
web-address = This guide online
footer-note = This guide is free. Each contact shows where it comes from and the date it was read there or confirmed by phone.
contact-verified-call = Confirmed by phone on { $date }
contact-verified-source = From { $source }, read on { $date }
share-title = Save and share
share-intro = Save the guide on your phone to read it without internet, or send it to someone who needs it.
share-send = Send the guide's address
download-booklet = Booklet to print on A4 (PDF)
download-single = Whole guide in one file, works offline (HTML)
download-epub = E-book (EPUB)
download-message = Emergency numbers as a message (text)
download-sms = Emergency numbers as a short SMS (text)
booklet-how-title = How to make the printed booklet
booklet-step-print = Print the booklet on A4 paper at actual size (100 %, not “fit to page”), on both sides, flipping on the long edge.
booklet-step-cut = Stack the sheets in order, the first on top with the cover facing up, and cut the whole pile across the middle, at the solid marks.
booklet-step-fold = Lay the pile of top halves on the pile of bottom halves without reordering. Turn it cover side down, fold it upwards at the dashed marks so the cover ends up outside, and staple along the fold.
booklet-step-card = For the wallet card, print the first page of the booklet once more and cut the card out at its marks.
booklet-diagram = An A4 sheet with four pages on each side, cut across the middle and folded into a small booklet.
single-note = This is the whole guide in one file. It works without internet: save it, or send it on.
qr-alt = QR code of this guide's web address: { $url }
epub-accessibility = This guide is text with headings and a table of contents; images have descriptions. It has no sound, video or flashing content.
