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
contact-verified = Checked on { $date }
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
footer-note = This guide is free. Contacts show the date someone last checked them.
