/* pocketguide search: the results for ?q= on <lang>/search/index.html.
   Loaded only when a reader has searched. Reads this language's index,
   made at build time (s/<key>.js: terms; t/<n>.js: a chapter's text), by
   adding <script> elements, so it works from any static host and from
   file://. ES5 and no framework: it runs on old Android browsers. Text is
   folded exactly as the build folds it (src/render/search.rs). */
(function (global) {
  'use strict';

  /* ---- folding and matching: the same rules as the index ---- */

  function Core(cfg) {
    this.cfg = cfg;
    var split = cfg.split || {};
    this.split = split;
    var words;
    try {
      words = new RegExp('[\\p{L}\\p{M}\\p{N}]+', 'gu');
    } catch (e) {
      // Without Unicode property escapes: anything but spaces and
      // punctuation is a letter.
      words = /[^\s!-\/:-@\[-`{-~\u00a0-\u00bf\u2000-\u206f\u2e00-\u2e7f\u3000-\u303f\ufe30-\ufe4f\uff01-\uff0f]+/g;
    }
    this.wordsRe = words;
  }

  Core.prototype.chars = function (s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        out.push(s.substr(i, 2));
        i++;
      } else {
        out.push(s.charAt(i));
      }
    }
    return out;
  };

  Core.prototype.digit = function (ch) {
    var code = ch.charCodeAt(0);
    var zeros = this.cfg.zeros;
    for (var i = 0; i < zeros.length; i++) {
      if (code >= zeros[i] && code < zeros[i] + 10) return String(code - zeros[i]);
    }
    return null;
  };

  Core.prototype.fold = function (s) {
    var map = this.cfg.fold.map;
    var dropped = this.cfg.dropped;
    // One spelling of each letter, as the build has it (NFC).
    if (s.normalize) s = s.normalize('NFC');
    var cs = this.chars(s.toLowerCase());
    var out = '';
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      if (dropped.indexOf(c) >= 0) continue;
      var d = this.digit(c);
      if (d !== null) out += d;
      else if (Object.prototype.hasOwnProperty.call(map, c)) out += map[c];
      else out += ethiopic(c);
    }
    var rep = this.cfg.fold.replace;
    for (var r = 0; r < rep.length; r++) out = out.split(rep[r][0]).join(rep[r][1]);
    // Letters the index keeps plain (after stemming, which needs them).
    var plain = this.cfg.fold.plain || {};
    var folded = '';
    for (var k = 0; k < out.length; k++) {
      var ch = out.charAt(k);
      folded += Object.prototype.hasOwnProperty.call(plain, ch) ? plain[ch] : ch;
    }
    return folded;
  };

  Core.prototype.words = function (s) {
    return s.match(this.wordsRe) || [];
  };

  Core.prototype.noSpaces = function (ch) {
    var code = ch.charCodeAt(0);
    var ranges = this.cfg.nospace;
    for (var i = 0; i < ranges.length; i++) {
      if (code >= ranges[i][0] && code <= ranges[i][1]) return true;
    }
    return false;
  };

  var MAX_WORDS = 6;

  /* The query's words: each with its terms (pairs of letters for scripts
     without spaces, all of which must be found). */
  Core.prototype.query = function (q) {
    var ws = this.words(this.fold(q));
    var out = [];
    var seen = {};
    for (var i = 0; i < ws.length && out.length < MAX_WORDS; i++) {
      var w = ws[i];
      // A word asked twice is one; a pasted paragraph is its first words.
      if (Object.prototype.hasOwnProperty.call(seen, w)) continue;
      seen[w] = true;
      var cs = this.chars(w);
      if (this.noSpaces(cs[0]) && cs.length >= 2) {
        var pairs = [];
        for (var k = 0; k + 1 < cs.length; k++) pairs.push(cs[k] + cs[k + 1]);
        out.push({ text: w, pairs: pairs });
      } else {
        out.push({ text: w, pairs: null });
      }
    }
    return out;
  };

  /* The term files a term of this word can be in: the two-letter key,
     deeper keys where a file was split, with the shorter keys on the way
     (they hold the shorter terms: a stem), and the split files below the
     word's own key (terms it is a prefix of), at most a few. */
  Core.prototype.keys = function (w) {
    var cs = this.chars(w);
    var keys = [];
    var n = Math.min(2, cs.length);
    var k = cs.slice(0, n).join('');
    keys.push(k);
    while (this.split[k] && cs.length > n) {
      n++;
      k = cs.slice(0, n).join('');
      keys.push(k);
    }
    var below = this.split[k];
    if (below && cs.length <= n && below.length <= 6) {
      for (var i = 0; i < below.length; i++) keys.push(below[i]);
    }
    return keys;
  };

  Core.prototype.fileKey = function (key) {
    var cs = this.chars(key);
    var out = [];
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      var code = c.length === 2
        ? (c.charCodeAt(0) - 0xd800) * 0x400 + (c.charCodeAt(1) - 0xdc00) + 0x10000
        : c.charCodeAt(0);
      out.push(code.toString(16));
    }
    return out.join('-');
  };

  /* An Ethiopic syllable as its consonant (the sixth of its row of
     eight), as the build folds it. */
  function ethiopic(c) {
    var n = c.charCodeAt(0);
    if (n >= 0x1200 && n <= 0x1357) return String.fromCharCode((n & ~7) + 5);
    return c;
  }

  /* A word without the article written onto it (Arabic al-), if it has
     one and two letters or more are left; else null. */
  Core.prototype.withoutArticle = function (w) {
    var articles = this.cfg.fold.articles || [];
    for (var i = 0; i < articles.length; i++) {
      var a = articles[i];
      if (w.indexOf(a) === 0) return w.length - a.length >= 2 ? w.substr(a.length) : null;
    }
    return null;
  };

  /* One typo: a letter added, dropped, changed, or two swapped. */
  function oneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a.charAt(i) === b.charAt(i)) i++;
    if (la === lb) {
      if (a.substr(i + 1) === b.substr(i + 1)) return true;
      return a.charAt(i) === b.charAt(i + 1) && a.charAt(i + 1) === b.charAt(i) &&
        a.substr(i + 2) === b.substr(i + 2);
    }
    return la > lb ? a.substr(i + 1) === b.substr(i) : a.substr(i) === b.substr(i + 1);
  }

  /* How well term t (from the index) answers query word q: 1 the same,
     .9 its stem (the word with an ending of up to four letters), .8 a
     longer word it begins, .5 with one typo (words of five letters or
     more); 0 not at all. */
  Core.prototype.match = function (q, t) {
    if (t === q) return 1;
    if (q.length >= 2 && t.indexOf(q) === 0) return 0.8;
    var stem = t.length >= 3 && t.length >= 0.6 * q.length;
    if (stem && q.indexOf(t) === 0 && q.length - t.length <= 4) return 0.9;
    if (q.length >= 5) {
      if (oneEdit(q, t)) return 0.5;
      // A longer word that begins with the query, but for one typo.
      if (t.length > q.length && (oneEdit(q, t.substr(0, q.length)) ||
        oneEdit(q, t.substr(0, q.length + 1)) || oneEdit(q, t.substr(0, q.length - 1)))) return 0.5;
      // A stem, and a typo in the part of the word it covers.
      if (stem && t.length >= 4) {
        for (var n = t.length - 1; n <= t.length + 1; n++) {
          if (n < q.length && q.length - n <= 4 && oneEdit(q.substr(0, n), t)) return 0.5;
        }
      }
    }
    return 0;
  };

  /* A word of the text shown, folded, is one the reader asked for. */
  Core.prototype.related = function (token, q) {
    if (this.match(q, token) > 0) return true;
    var bare = this.withoutArticle(token);
    if (bare !== null && this.match(q, bare) > 0) return true;
    var n = 0;
    while (n < token.length && n < q.length && token.charAt(n) === q.charAt(n)) n++;
    return n >= 4 && n >= Math.min(token.length, q.length) - 3;
  };

  function decode(postings) {
    var out = [];
    if (!postings) return out;
    var parts = postings.split(',');
    var ch = 0;
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i];
      var heading = p.charAt(p.length - 1) === '!';
      if (heading) p = p.substr(0, p.length - 1);
      var dot = p.indexOf('.');
      ch += parseInt(p.substr(0, dot), 36);
      out.push({ ch: ch, mask: parseInt(p.substr(dot + 1), 36), heading: heading });
    }
    return out;
  }

  /* Ranks chapters for the query words, given the loaded term files
     (`shards`: key → {term: postings}). Best first: the most words in one
     section, then in the chapter, then the weight of the matches. */
  Core.prototype.rank = function (words, shards) {
    var n = this.cfg.chapters || 1;
    var chapters = {};
    var self = this;
    function terms(w) {
      var found = [];
      var keys = self.keys(w);
      for (var i = 0; i < keys.length; i++) {
        var shard = shards[keys[i]];
        if (!shard) continue;
        for (var t in shard) {
          if (!Object.prototype.hasOwnProperty.call(shard, t)) continue;
          var weight = self.match(w, t);
          if (weight > 0) found.push({ term: t, weight: weight, postings: shard[t] });
        }
      }
      return found;
    }
    function hit(wi, ch, mask, score) {
      var c = chapters[ch] || (chapters[ch] = { ch: ch, bits: {}, words: {}, spread: 0 });
      c.words[wi] = true;
      for (var b = 0; b < 32; b++) {
        if (!(mask & (1 << b))) continue;
        // A chapter that comes back to the word in many sections is
        // more about it.
        c.spread += score / 4;
        var bit = c.bits[b] || (c.bits[b] = {});
        bit[wi] = Math.max(bit[wi] || 0, score);
      }
    }
    for (var wi = 0; wi < words.length; wi++) {
      var w = words[wi];
      if (w.pairs) {
        // Every pair must be in the same section.
        var masks = null;
        var idf = 0;
        for (var p = 0; p < w.pairs.length; p++) {
          var pair = w.pairs[p];
          var shard = shards[pair] || shards[this.chars(pair)[0]] || {};
          var list = decode(shard[pair]);
          idf += Math.log(1 + n / Math.max(1, list.length));
          var next = {};
          for (var l = 0; l < list.length; l++) {
            var e = list[l];
            if (masks === null || masks[e.ch]) {
              next[e.ch] = (masks === null ? e.mask : masks[e.ch] & e.mask);
            }
          }
          masks = next;
        }
        for (var chKey in masks) {
          if (masks[chKey]) hit(wi, +chKey, masks[chKey], idf / w.pairs.length);
        }
        continue;
      }
      var found = terms(w.text);
      for (var f = 0; f < found.length; f++) {
        var entries = decode(found[f].postings);
        var weight = found[f].weight * Math.log(1 + n / Math.max(1, entries.length));
        for (var x = 0; x < entries.length; x++) {
          var en = entries[x];
          hit(wi, en.ch, en.mask, weight * (en.heading ? 1.5 : 1));
        }
      }
    }
    var out = [];
    for (var key in chapters) {
      var c = chapters[key];
      var best = { bit: 0, count: 0, score: 0 };
      for (var bitKey in c.bits) {
        var scores = c.bits[bitKey];
        var count = 0, score = 0;
        for (var s in scores) {
          count++;
          score += scores[s];
        }
        // On a tie, a section under a heading over the chapter's opening
        // (its summary repeats what the sections say).
        if (count > best.count || (count === best.count &&
          (score > best.score || (score === best.score && best.bit === 0)))) {
          best = { bit: +bitKey, count: count, score: score };
        }
      }
      var inChapter = 0;
      for (var k in c.words) inChapter++;
      out.push({ ch: c.ch, section: best.bit, count: best.count, words: inChapter, score: best.score + c.spread });
    }
    out.sort(function (a, b) {
      return b.count - a.count || b.words - a.words || b.score - a.score || a.ch - b.ch;
    });
    return out;
  };

  /* A section's text as sentences: its lines (a paragraph, an item, a
     table row each), split after the full stops of every script of the
     guides when a space or the end follows. */
  var ENDS = '.!?\u0964\u0965\u061f\u06d4\u1362\u104a\u104b\u17d4\u3002';
  Core.prototype.sentences = function (text) {
    var out = [];
    var lines = String(text).split('\n');
    for (var l = 0; l < lines.length; l++) {
      var line = lines[l];
      var start = 0;
      for (var i = 0; i < line.length; i++) {
        if (ENDS.indexOf(line.charAt(i)) < 0) continue;
        var next = line.charAt(i + 1);
        if (next === '' || /\s/.test(next)) {
          var s = line.substring(start, i + 1).replace(/^\s+/, '');
          if (s) out.push(s);
          start = i + 1;
        }
      }
      var rest = line.substring(start).replace(/^\s+|\s+$/g, '');
      if (rest) out.push(rest);
    }
    return out;
  };

  /* The sentence of a section that holds most of the query's words, as
     pieces: [text, marked]. */
  Core.prototype.snippet = function (text, words) {
    return this.mark(this.sentence(text, words), words);
  };

  /* That sentence itself. */
  Core.prototype.sentence = function (text, words) {
    var sentences = this.sentences(text);
    var best = '', bestCount = -1;
    for (var i = 0; i < sentences.length; i++) {
      var pieces = this.mark(sentences[i], words);
      var count = 0;
      for (var p = 0; p < pieces.length; p++) if (pieces[p][1]) count++;
      if (count > bestCount) {
        best = sentences[i];
        bestCount = count;
      }
    }
    return best;
  };

  /* `text` cut into [part, isNumber]: a number (an optional +, then
     groups of digits of any script with single spaces between) is one
     part, shown left to right and unbroken in any script, as the pages
     show it (src/numbers.rs finds them there). */
  Core.prototype.numbers = function (text) {
    var digit = '';
    var zeros = this.cfg.zeros;
    for (var i = 0; i < zeros.length; i++) {
      digit += '\\u' + ('000' + zeros[i].toString(16)).slice(-4) + '-\\u' + ('000' + (zeros[i] + 9).toString(16)).slice(-4);
    }
    var re = new RegExp('\\+?[' + digit + ']+(?:[ \\u00a0][' + digit + ']+)*', 'g');
    var out = [], at = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > at) out.push([text.substring(at, m.index), false]);
      out.push([m[0], true]);
      at = m.index + m[0].length;
    }
    if (at < text.length) out.push([text.substring(at), false]);
    return out;
  };

  Core.prototype.mark = function (sentence, words) {
    var pieces = [];
    var re = new RegExp(this.wordsRe.source, this.wordsRe.unicode ? 'gu' : 'g');
    var at = 0, m;
    var self = this;
    function marked(token) {
      var folded = self.fold(token);
      for (var i = 0; i < words.length; i++) {
        var w = words[i];
        if (w.pairs ? folded.indexOf(w.text) >= 0 : self.related(folded, w.text)) return true;
      }
      return false;
    }
    var tokens = [];
    while ((m = re.exec(sentence)) !== null) {
      if (m.index > at) pieces.push([sentence.substring(at, m.index), false]);
      var piece = [m[0], marked(m[0])];
      pieces.push(piece);
      tokens.push(piece);
      at = m.index + m[0].length;
      if (m[0].length === 0) re.lastIndex++;
    }
    if (at < sentence.length) pieces.push([sentence.substring(at), false]);
    this.markNumbers(tokens, words);
    return pieces;
  };

  /* A number asked for without its spaces (6406000) marks the groups it
     is printed in (640 6000): the digits of the sentence's numbers, run
     together, are searched for each query word of three digits or more. */
  Core.prototype.markNumbers = function (tokens, words) {
    var digits = '';
    var owner = [];
    for (var t = 0; t < tokens.length; t++) {
      var folded = this.fold(tokens[t][0]);
      if (!/^[0-9]+$/.test(folded)) continue;
      for (var d = 0; d < folded.length; d++) owner.push(t);
      digits += folded;
    }
    for (var i = 0; i < words.length; i++) {
      var q = words[i].text;
      if (!/^[0-9]{3,}$/.test(q)) continue;
      var at = digits.indexOf(q);
      if (at < 0) continue;
      for (var k = at; k < at + q.length; k++) tokens[owner[k]][1] = true;
    }
  };

  /* The section a result shows: its own, or, past the 31st section of a
     chapter (which share the last bit of the index), the one of those
     whose heading and text have most of the query's words. */
  Core.prototype.section = function (text, bit, words) {
    var s = text.s;
    if (bit < 31 || s.length <= 32) return s[Math.min(bit, s.length - 1)];
    var best = null, bestCount = -1;
    for (var i = 31; i < s.length; i++) {
      var pieces = this.mark(s[i][0] + '\n' + s[i][2], words);
      var count = 0;
      for (var p = 0; p < pieces.length; p++) if (pieces[p][1]) count++;
      if (count > bestCount) {
        best = s[i];
        bestCount = count;
      }
    }
    return best;
  };

  global.PGSCore = Core;
  if (typeof module !== 'undefined' && module.exports) module.exports = Core;
  if (typeof document === 'undefined') return;

  /* ---- the page ---- */

  var config = document.getElementById('search-config');
  if (!config) return;
  var cfg = JSON.parse(config.textContent);
  var core = new Core(cfg);
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var input = document.getElementById('search-q');
  // Results shown at a time: a phone's screen holds two or three, and each
  // costs its chapter's text (up to 7 KB): eight keep a search on a large
  // site under 100 KB.
  var PAGE = 8;

  function param(name) {
    var parts = location.search.replace(/^\?/, '').split('&');
    for (var i = 0; i < parts.length; i++) {
      var kv = parts[i].split('=');
      if (kv[0] === name && kv.length > 1) {
        try {
          return decodeURIComponent(kv[1].replace(/\+/g, ' '));
        } catch (e) {
          return kv[1];
        }
      }
    }
    return '';
  }

  function say(key, q) {
    status.textContent = (cfg.strings[key] || '').split('{q}').join(q);
  }

  var shards = {};
  var texts = {};
  var waiting = {};
  global.PGS = {
    shard: function (key, terms) {
      shards[key] = terms;
    },
    text: function (n, text) {
      texts[n] = text;
    }
  };

  /* Loads each file once; `done` runs when all have loaded or failed
     (failed: false when one the reader needs did not come). */
  function load(paths, done) {
    var left = paths.length;
    var ok = true;
    if (!left) return done(true);
    for (var i = 0; i < paths.length; i++) {
      (function (path) {
        if (waiting[path] === 'done') {
          if (--left === 0) done(ok);
          return;
        }
        var s = document.createElement('script');
        s.src = path;
        s.onload = function () {
          waiting[path] = 'done';
          if (--left === 0) done(ok);
        };
        s.onerror = function () {
          waiting[path] = 'done';
          if (path.indexOf('t/') === 0) ok = false;
          if (--left === 0) done(ok);
        };
        document.body.appendChild(s);
      })(paths[i]);
    }
  }

  var q = param('q');
  if (!q) return;
  input.value = q;
  var words = core.query(q);
  if (!words.length) return say('none', q);
  say('working', q);

  var files = [];
  for (var i = 0; i < words.length; i++) {
    var keys = [];
    if (words[i].pairs) {
      for (var p = 0; p < words[i].pairs.length; p++) keys.push(words[i].pairs[p]);
    } else {
      keys = core.keys(words[i].text);
    }
    for (var k = 0; k < keys.length; k++) {
      var path = 's/' + core.fileKey(keys[k]) + '.js';
      if (files.indexOf(path) < 0) files.push(path);
    }
  }

  load(files, function () {
    var ranked = core.rank(words, shards);
    if (!ranked.length) return say('none', q);
    say('results', q);
    list.hidden = false;
    show(ranked, 0);
  });

  function show(ranked, from, focus) {
    var page = ranked.slice(from, from + PAGE);
    var paths = [];
    for (var i = 0; i < page.length; i++) paths.push('t/' + page[i].ch + '.js');
    load(paths, function (ok) {
      if (!ok) say('failed', q);
      var first = null;
      for (var i = 0; i < page.length; i++) {
        var text = texts[page[i].ch];
        if (!text) continue;
        var li = result(text, page[i].section);
        list.appendChild(li);
        first = first || li;
      }
      // The button tapped is gone: the reader goes on at the first new
      // result.
      if (focus && first) first.getElementsByTagName('a')[0].focus();
      var old = document.getElementById('search-more');
      if (old) old.parentNode.removeChild(old);
      if (from + PAGE < ranked.length) {
        var more = document.createElement('button');
        more.id = 'search-more';
        more.type = 'button';
        more.className = 'button';
        more.textContent = cfg.strings.more;
        more.onclick = function () {
          more.disabled = true;
          show(ranked, from + PAGE, true);
        };
        list.parentNode.insertBefore(more, list.nextSibling);
      }
    });
  }

  function result(text, bit) {
    var section = core.section(text, bit, words) || ['', '', ''];
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = text.u + (section[1] ? '#' + section[1] : '');
    // The heading may be all that matched: its words are marked too.
    shown(a, text.t + (section[0] ? ' · ' + section[0] : ''));
    li.appendChild(a);
    if (text.g) {
      var guide = document.createElement('p');
      guide.className = 'size';
      guide.textContent = text.g;
      li.appendChild(guide);
    }
    var sentence = core.sentence(section[2], words);
    if (sentence) {
      var p = document.createElement('p');
      shown(p, sentence);
      li.appendChild(p);
    }
    return li;
  }

  /* Text with the query's words marked and each number isolated left to
     right, so a right-to-left sentence never shows it reversed. */
  function shown(parent, text) {
    var parts = core.numbers(text);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i][1]) {
        var bdi = document.createElement('bdi');
        bdi.dir = 'ltr';
        append(bdi, core.mark(parts[i][0], words));
        parent.appendChild(bdi);
      } else {
        append(parent, core.mark(parts[i][0], words));
      }
    }
  }

  function append(parent, pieces) {
    for (var i = 0; i < pieces.length; i++) {
      if (pieces[i][1]) {
        var m = document.createElement('mark');
        m.textContent = pieces[i][0];
        parent.appendChild(m);
      } else {
        parent.appendChild(document.createTextNode(pieces[i][0]));
      }
    }
  }
})(typeof window !== 'undefined' ? window : this);
