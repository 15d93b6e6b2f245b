skip-to-content = Liigu sisu juurde
choose-language = Vali keel
language-label = Keel
emergency-title = Hädaabi kontaktid
all-contacts = Kõik kontaktid
contacts-title = Kasulikud kontaktid
corridors-title = Juhendid
contents = Sisukord
print-guide = Prindi kogu juhend
download-pdf = Taskujuhend (PDF)
save-contacts = Salvesta kõik kontaktid telefoni
notice-fallback = See peatükk ei ole veel tõlgitud keelde: { $language }. Seda näidatakse keeles: { $shown }.
notice-outdated = Selle peatüki algtekst on pärast tõlkimist muutunud. Mõni teave võib olla aegunud.
read-source = Loe kehtivat versiooni ({ $language })
contact-verified = Kontrollitud { $date }
contact-hours = Lahtiolekuajad
contact-languages = Keeled
previous = Eelmine
next = Järgmine
guide-home = Juhendi algusesse
updated = Uuendatud
chapters-untranslated = { $count ->
    [one] { $count } peatükk on veel tõlkimata ja seda näidatakse teises keeles.
   *[other] { $count } peatükki on veel tõlkimata ja neid näidatakse teises keeles.
}
not-found-title = Lehte ei leitud
not-found-text = Sellist lehte ei ole. Juhendi leidmiseks vali keel.
wallet-card = Lõika välja ja hoia rahakotis
web-address = See juhend veebis
footer-note = See juhend on tasuta. Iga kontakti juures on viimase kontrolli kuupäev.
