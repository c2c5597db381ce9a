package synth

import "strings"

// source is the generator's random source (only synth.go imports math/rand).
type source interface{ Float64() float64 }

// The lists in data.go hold each group's most frequent family names. Real family names have a
// long tail: most people share their family name with few others, which is what makes a search
// by full name selective. tails composes such rarer family names from a root and a suffix (for
// Turkish, Ukrainian, Russian, Polish, Persian, Arabic and German names) and derives their
// spellings by transcription rules, so that a rare name has variants as the frequent ones do.

// tail generates rare family names of one group.
type tail struct {
	share           float64 // probability that a family name comes from the tail
	roots, suffixes []string
	cyrillic        bool                  // roots and suffixes are Cyrillic; Latin spellings by transliteration
	ukrainian       bool                  // Cyrillic read as Ukrainian (else Russian)
	spell           func(string) []string // Latin base → its spellings (the base first)
	feminine        func(string) string
}

var tails = map[string]*tail{
	"tr": {share: 0.7,
		roots: fields(`Kara Ak Öz Er Yıl Gök Ay Tun Kor Bay Şen Ün Cey Tan Bal Demir Kılıç Toprak Uçar Çakır Sarı Bozkurt
			Alp Kurt Koca Taş Güç Yücel Ateş Kaplan`),
		suffixes: fields(`kaya soy demir doğan türk taş can han oğlu göz yiğit er alp gül tekin baş dağ yol kan ok men el çelik`),
		spell:    turkishSpellings},
	"uk": {share: 0.7, cyrillic: true, ukrainian: true,
		roots: fields(`Петр Іван Сид Павл Марч Лев Гриц Федор Степан Юрч Мирон Остап Дмитр Назар Тарас Семен Кирил Роман Климен
			Макар Гаврил Данил Андрі Олекс Василь Гонч Кушн Лук Мороз Ковт Савч Прокоп Гуц Мельнич Бойч Стець Ярем Панч Дорош Нестер`),
		suffixes: fields(`енко ук юк ишин ів ець як чук`)},
	"ru": {share: 0.7, cyrillic: true, feminine: feminineSlavic,
		roots: fields(`Борис Давыд Ефим Захар Игнат Кирилл Макар Никит Прохор Родион Тихон Фом Герасим Лаврент Осип Антон
			Белоус Жуков Карп Комар Крыл Медвед Орл Рыб Сорок Чиж Гусев Волын Сухар Тарас Баран Козл Горбун Кудр Шест`),
		suffixes: fields(`ов ин ский`)},
	"pl": {share: 0.7, feminine: feminineSlavic,
		roots: fields(`Wiśni Sobie Grab Zawad Kubi Jasiń Ostrow Baran Kaczm Wróbl Górec Majew Olszew Stępn Malin Rutk
			Urban Sadow Lis Kowal Krupiń Wojt Borkow Czarn Mazurk Kalin Sikor Wasil Tomas Dudz`),
		suffixes: fields(`ski cki czyk ak ek ewicz`),
		spell:    polishSpellings},
	"fa": {share: 0.6,
		roots: fields(`Rostam Ahmad Karim Hassan Akbar Jafar Ghasem Hamid Bagher Sadegh Nasser Taher Mahmoud Mousa Davoud Rasoul
			Abbas Yazdan Kazem Hadi Majid Nouri Saeed Javad Kamal Mehr Shir Golam Zaman Heydar`),
		suffixes: fields(`i zadeh pour nia far ian`),
		spell:    persianSpellings},
	"ar": {share: 0.5,
		roots: fields(`Hamwi Homsi Dimashqi Idlibi Darawsha Najjar Sabbagh Khayyat Tahhan Attar Jazzar Qassab Bitar Rifai Zoubi
			Masalmeh Shaaban Barakat Khouri Hariri Jabali Saadi Suwaidi Kayali Shahin Tamimi Hallak Dabbagh Farra Jundi`),
		suffixes: fields(`Al- ·`),
		spell:    arabicSpellings},
	"de": {share: 0.7,
		roots: fields(`Berg Stein Wald Bach Brunn Feld Holz Lind Rosen Hahn Kirch Eich Sonn Winter Sommer Schön Neu Alt Groß
			Klein Hoch Roth Schwarz Weiß Grün`),
		suffixes: fields(`mann er hardt hoff feld berg bach ke ert ling thal haus bauer`),
		spell:    germanSpellings},
}

func fields(s string) []string { return strings.Fields(s) }

// draw returns a tail family name with its spellings; roots and suffixes are drawn with a
// Zipf-like weight, so some rare names are rarer than others.
func (t *tail) draw(r source, female bool) *entry {
	root := t.roots[zipfIndex(r, len(t.roots))]
	suf := t.suffixes[zipfIndex(r, len(t.suffixes))]
	var base string
	switch {
	case suf == "Al-":
		base = "Al-" + root
	case suf == "·":
		base = root
	default:
		base = root + suf
	}
	var sp []string
	if t.cyrillic {
		sp = append(sp, translit(base, icao, t.ukrainian), translit(base, duden, t.ukrainian))
		if female && t.feminine != nil {
			base = t.feminine(base)
			sp = []string{t.feminine(sp[0]), t.feminine(sp[1])}
		}
		sp = append(sp, base)
	} else {
		if female && t.feminine != nil {
			base = t.feminine(base)
		}
		sp = t.spell(base)
	}
	e := &entry{}
	for _, s := range sp {
		if s != "" && !contains(e.spellings, s) {
			e.spellings = append(e.spellings, s)
			if isLatin(s) {
				e.latin++
			}
		}
	}
	return e
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// zipfIndex draws an index in [0, n) with weight 1/(i+1).
func zipfIndex(r source, n int) int {
	h := 0.0
	for i := range n {
		h += 1 / float64(i+1)
	}
	x := r.Float64() * h
	for i := range n {
		x -= 1 / float64(i+1)
		if x < 0 {
			return i
		}
	}
	return n - 1
}

func turkishSpellings(s string) []string {
	flat := strings.NewReplacer("ş", "s", "Ş", "S", "ç", "c", "Ç", "C", "ğ", "g", "ı", "i", "İ", "I", "ö", "o", "Ö", "O",
		"ü", "u", "Ü", "U").Replace(s)
	german := strings.NewReplacer("ş", "sch", "Ş", "Sch", "ç", "tsch", "Ç", "Tsch", "c", "dsch", "ğ", "", "ı", "i", "y", "j",
		"Y", "J", "z", "s").Replace(s)
	return []string{s, flat, german}
}

func polishSpellings(s string) []string {
	flat := strings.NewReplacer("ś", "s", "ń", "n", "ó", "o", "ł", "l", "ż", "z", "ź", "z", "ą", "a", "ę", "e", "ć", "c").Replace(s)
	german := strings.NewReplacer("sz", "sch", "cz", "tsch", "w", "w", "ł", "l", "ś", "sch", "ń", "n", "ó", "u", "ę", "e",
		"ą", "on", "ć", "tsch", "ck", "tzk").Replace(s)
	return []string{s, flat, german}
}

func persianSpellings(s string) []string {
	alt := strings.NewReplacer("zadeh", "zade", "pour", "pur", "ou", "u", "gh", "q", "ee", "i").Replace(s)
	german := strings.NewReplacer("zadeh", "sadeh", "sh", "sch", "kh", "ch", "j", "dsch", "y", "j", "ou", "u", "z", "s").Replace(s)
	return []string{s, alt, german}
}

func arabicSpellings(s string) []string {
	root := strings.TrimPrefix(s, "Al-")
	french := strings.NewReplacer("ou", "ou", "u", "ou", "sh", "ch", "kh", "kh").Replace(root)
	german := strings.NewReplacer("sh", "sch", "kh", "ch", "j", "dsch", "q", "k", "ou", "u", "z", "s", "y", "j").Replace(collapseDoubles(root))
	single := collapseDoubles(root)
	if root == s {
		return []string{s, single, german, french}
	}
	return []string{s, "Al" + strings.ToLower(root), "El " + french, "Al " + german, "Al-" + single}
}

func germanSpellings(s string) []string {
	flat := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss").Replace(s)
	alt := strings.NewReplacer("mann", "man", "th", "t", "ck", "k", "hardt", "hard", "hoff", "hof").Replace(flat)
	return []string{s, flat, alt}
}

// collapseDoubles writes doubled consonants once (Najjar → Najar).
func collapseDoubles(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if r == prev && !strings.ContainsRune("aeiou", r) {
			continue
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// Transliteration of Ukrainian and Russian Cyrillic: the passport standard (ICAO 9303 for
// Russian, the national system of 2010 for Ukrainian, which agree for these letters but for и,
// г and і) and German Duden transcription.
var icao = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e", 'є': "ie", 'ж': "zh",
	'з': "z", 'и': "y", 'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ь': "", 'ю': "iu",
	'я': "ia", 'ы': "y", 'э': "e", 'ё': "e", 'ъ': "ie"}

var duden = map[rune]string{'а': "a", 'б': "b", 'в': "w", 'г': "h", 'ґ': "g", 'д': "d", 'е': "e", 'є': "je", 'ж': "sch",
	'з': "s", 'и': "y", 'і': "i", 'ї': "ji", 'й': "j", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "ch", 'ц': "z", 'ч': "tsch", 'ш': "sch", 'щ': "schtsch", 'ь': "", 'ю': "ju",
	'я': "ja", 'ы': "y", 'э': "e", 'ё': "jo", 'ъ': ""}

// translit writes a Cyrillic name in Latin letters with table t; Russian г and и are written
// differently from Ukrainian.
func translit(s string, t map[rune]string, ukrainian bool) string {
	russian := !ukrainian
	var b strings.Builder
	for i, r := range []rune(s) {
		lower := []rune(strings.ToLower(string(r)))[0]
		out, ok := t[lower]
		switch {
		case !ok:
			out = string(r)
		case russian && lower == 'г':
			out = "g"
		case russian && lower == 'и':
			out = "i"
		}
		if i == 0 && out != "" {
			out = strings.ToUpper(out[:1]) + out[1:]
		}
		b.WriteString(out)
	}
	return b.String()
}
