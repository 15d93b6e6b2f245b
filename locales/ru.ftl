skip-to-content = Перейти к тексту
choose-language = Выберите язык
language-label = Язык
emergency-title = Экстренные контакты
all-contacts = Все контакты
contacts-title = Полезные контакты
corridors-title = Памятки
contents = Содержание
print-guide = Распечатать всю памятку
download-pdf = Памятка (PDF)
save-contacts = Сохранить все контакты в телефон
notice-fallback = Эта глава ещё не переведена на язык: { $language }. Она показана на языке: { $shown }.
notice-outdated = Оригинал этой главы изменился после перевода. Некоторые сведения здесь могут быть устаревшими.
read-source = Читать актуальную версию ({ $language })
contact-verified = Проверено { $date }
contact-hours = Часы работы
contact-languages = Языки
previous = Назад
next = Далее
guide-home = К началу памятки
updated = Обновлено
chapters-untranslated = { $count ->
    [one] { $count } глава ещё не переведена и показана на другом языке.
    [few] { $count } главы ещё не переведены и показаны на другом языке.
   *[many] { $count } глав ещё не переведены и показаны на другом языке.
}
not-found-title = Страница не найдена
not-found-text = Такой страницы нет. Выберите язык, чтобы найти памятку.
wallet-card = Вырежьте и носите в кошельке
web-address = Эта памятка в интернете
footer-note = Памятка бесплатна. У каждого контакта указана дата последней проверки.
