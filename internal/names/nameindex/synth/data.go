package synth

// The name lists below are compact and hand-made for benchmarks and tests, not a reference. Each
// list holds name entries separated by ";", most frequent first (the generator draws them with a
// Zipf-like weight by rank). An entry lists the spellings of one name separated by "|": first the
// spelling German offices use most, then other Latin transcriptions met in documents, then the
// name in its original script where it has one. They draw on common knowledge of the most
// frequent names of each group (e.g. the Wikipedia lists of most common given names and surnames
// per country) and on the transliteration standards German offices see (ICAO 9303 passports,
// DIN 31635 for Arabic, the Ukrainian national system of 2010, German Duden transcription).

// origin is one population group of Germany's immigrant population.
type origin struct {
	code   string
	weight float64 // share of synthetic people, in percent
	// male, female, family are entry lists (see above); an empty family list means the family
	// name is the grandfather's given name (Somali, Eritrean naming).
	male, female, family string
	// middle is the probability of a second given name or the father's name between given and
	// family name; maleMiddle/femaleMiddle replace the given-name list for it (Vietnamese Văn, Thị).
	middle                   float64
	maleMiddle, femaleMiddle string
	familyFirst              bool // the family name is written first (Vietnamese)
	feminine                 func(string) string
}

// origins are weighted roughly by the share of each group among the clients of municipal
// integration management (refugees and recent migrants weigh more than in the whole population).
var origins = []origin{
	{code: "ar", weight: 19, middle: 0.35,
		male: `Mohammed|Muhammad|Mohamed|Mohammad|Muhammed|Mohamad|Mouhamad|محمد; Ahmad|Ahmed|Achmed|Ahmet|أحمد;
			Ali|Aly|علي; Hassan|Hasan|Hassane|حسن; Hussein|Hussain|Husain|Houssein|Hossein|حسين;
			Omar|Umar|Omer|Oumar|عمر; Khaled|Khalid|Chaled|Haled|خالد; Mahmoud|Mahmud|Mahmood|Machmud|محمود;
			Mustafa|Mustapha|Moustafa|Mostafa|مصطفى; Abdullah|Abdallah|Abd Allah|Abdulla|عبدالله;
			Ibrahim|Ebrahim|Ibraheem|Brahim|إبراهيم; Youssef|Yousef|Yusuf|Jusuf|Yousif|Joussef|يوسف;
			Karim|Kareem|Kerim|كريم; Samir|Sameer|Semir|سمير; Tarek|Tariq|Tarik|Tareq|طارق; Walid|Waleed|Oualid|وليد;
			Bilal|Belal|بلال; Hamza|Hamzah|Hamsa|حمزة; Jamal|Gamal|Djamal|Dschamal|جمال; Nasser|Naser|Nasir|ناصر;
			Rami|Ramy|رامي; Ammar|Amar|Ammaar|عمار; Ziad|Ziyad|Zijad|Siad|زياد;
			Abdulrahman|Abdul Rahman|Abdelrahman|Abd al-Rahman|Abdurrahman|عبدالرحمن; Anas|Anass|أنس; Saleh|Salih|صالح;
			Fadi|Fady|فادي; Osama|Usama|Oussama|أسامة; Adnan|Adnane|عدنان; Maher|Mahir|ماهر`,
		female: `Fatima|Fatma|Fatimah|Fatema|فاطمة; Aisha|Aischa|Aicha|Ayesha|Aysha|عائشة; Maryam|Mariam|Meryem|Mariyam|مريم;
			Zainab|Zeinab|Zaynab|Sainab|زينب; Nour|Nur|Noor|نور; Amina|Amna|Aminah|آمنة; Hiba|Heba|هبة; Rana|رنا;
			Layla|Leila|Laila|Leyla|ليلى; Amal|أمل; Yasmin|Jasmin|Yasmine|Yasmeen|ياسمين; Rania|Ranya|رانيا;
			Huda|Hoda|Houda|هدى; Salma|Selma|سلمى; Sara|Sarah|سارة; Reem|Rim|ريم; Asmaa|Asma|Asmae|أسماء;
			Khadija|Khadidja|Hadija|Chadidscha|خديجة; Samira|Sameera|سميرة; Lina|لينا; Hanan|حنان; Dima|ديما;
			Rahaf|رهف; Batoul|Batul|Batool|بتول; Ghada|Ghadah|غادة`,
		family: `Al-Hassan|Alhassan|El Hassan|Al Hasan|Al-Hasan|الحسن; Al-Ali|Alali|El Ali|Al Ali|العلي;
			Al-Ahmad|Alahmad|Al Ahmad|El Ahmad|الأحمد; Hamdan|Hamdane|حمدان; Haddad|Hadad|Al Haddad|حداد;
			Khalil|Chalil|Khaleel|خليل; Ibrahim|Ibraheem|Ebrahim|إبراهيم; Hussein|Hussain|Husein|حسين;
			Mahmoud|Mahmud|Machmud|محمود; Othman|Osman|Uthman|Otman|عثمان; Al-Khatib|Alkhatib|El Khatib|Al Chatib|الخطيب;
			Al-Masri|Almasri|El Masri|Al-Masry|المصري; Darwish|Darwisch|Derwish|Darvish|درويش; Saleh|Salih|صالح;
			Abdallah|Abdullah|Abdalla|عبدالله; Al-Omar|Alomar|Al Omar|العمر; Hammoud|Hamoud|Hamud|حمود;
			Al-Sheikh|Alsheikh|El Scheich|Al Shaikh|الشيخ; Qassem|Kassem|Kasim|Qasim|قاسم; Aziz|Asis|Azeez|عزيز;
			Jaber|Jabir|Gaber|Djaber|جابر; Mansour|Mansur|Mansoor|منصور; Suleiman|Sulaiman|Soliman|سليمان;
			Al-Shami|Alshami|El Shami|Ash-Shami|الشامي; Al-Kurdi|Alkurdi|El Kurdi|الكردي; Abbas|Abas|عباس;
			Al-Halabi|Alhalabi|El Halabi|الحلبي; Al-Mousa|Almousa|Al Musa|El Moussa|الموسى; Al-Hamad|Alhamad|El Hamad|الحمد;
			Al-Najjar|Alnajjar|En-Naggar|Al Nadschar|النجار; Nasser|Naser|ناصر; Youssef|Yousef|Jusuf|يوسف`},
	{code: "tr", weight: 17, middle: 0.1,
		male: `Mehmet|Mehmed|Mehmat; Mustafa|Moustafa; Ahmet|Ahmed|Achmet; Ali; Hüseyin|Huseyin|Hueseyin|Hüsein; Hasan|Hassan;
			İbrahim|Ibrahim; İsmail|Ismail|Ismayil; Osman; Murat|Murad; Ömer|Omer|Oemer; Yusuf|Jusuf; Emre; Burak;
			Kemal|Kamal; Halil|Chalil; Süleyman|Suleyman|Sueleyman; Ramazan|Ramasan; Recep|Redzep|Redschep;
			Yasin|Jasin|Yassin; Erkan; Serkan; Cem|Dschem; Fatih; Abdullah|Abdulla; Orhan; Hakan; Volkan; Necati|Nedschati`,
		female: `Ayşe|Ayse|Aysche|Aische; Fatma|Fatima; Emine|Emina; Hatice|Hatidsche|Hatije; Zeynep|Zeinep|Seynep; Elif;
			Meryem|Meriem; Şerife|Serife|Scherife; Sultan; Hanife|Hanifa; Merve; Esra; Büşra|Busra|Buesra;
			Özlem|Ozlem|Oezlem; Derya; Gül|Gul|Guel; Songül|Songul|Songuel; Leyla|Leila; Yasemin|Jasemin; Dilek;
			Kübra|Kubra|Kuebra; Gülsüm|Gulsum|Guelsuem; Sevgi|Sewgi; Nurcan|Nurdschan`,
		family: `Yılmaz|Yilmaz|Jilmaz|Yilmas; Kaya|Kaja; Demir; Şahin|Sahin|Schahin; Çelik|Celik|Tschelik; Yıldız|Yildiz|Jildis;
			Yıldırım|Yildirim|Jildirim; Öztürk|Ozturk|Oeztuerk; Aydın|Aydin|Aidin; Özdemir|Ozdemir|Oezdemir;
			Arslan|Arslaan; Doğan|Dogan|Doan; Kılıç|Kilic|Kilitsch; Aslan; Çetin|Cetin|Tschetin; Kara; Koç|Koc|Kotsch;
			Kurt; Özkan|Ozkan|Oezkan; Şimşek|Simsek|Schimschek; Polat; Erdoğan|Erdogan; Güneş|Gunes|Guenes; Aksoy;
			Karaca|Karadscha; Bulut; Yavuz|Jawus; Korkmaz; Acar|Adschar; Tekin`},
	{code: "uk", weight: 11, middle: 0.05,
		male: `Oleksandr|Olexandr|Alexander|Aleksandr|Oleksander|Олександр; Andrii|Andriy|Andrij|Andrej|Андрій;
			Serhii|Serhiy|Serhij|Sergej|Sergii|Сергій; Volodymyr|Wolodymyr|Vladimir|Wladimir|Володимир;
			Dmytro|Dmitro|Dmitri|Dmitrij|Дмитро; Mykola|Mikola|Nikolai|Микола; Vasyl|Wasyl|Wassili|Vasil|Василь;
			Ivan|Iwan|Іван; Yurii|Yuriy|Jurij|Juri|Юрій; Oleh|Oleg|Олег; Viktor|Wiktor|Віктор; Ihor|Igor|Ігор;
			Maksym|Maxim|Maksim|Максим; Taras|Тарас; Bohdan|Bogdan|Богдан; Yevhen|Jewhen|Evgen|Jewgeni|Євген;
			Roman|Роман; Vitalii|Vitaliy|Witali|Віталій; Artem|Artjom|Artyom|Артем; Pavlo|Pawlo|Pavel|Павло`,
		female: `Olena|Elena|Jelena|Олена; Tetiana|Tetyana|Tatjana|Tatiana|Тетяна; Nataliia|Natalia|Natalija|Natalya|Наталія;
			Iryna|Irina|Ірина; Svitlana|Swetlana|Svetlana|Світлана; Oksana|Oxana|Оксана; Yuliia|Yulia|Julia|Julija|Юлія;
			Kateryna|Katerina|Jekaterina|Катерина; Mariia|Maria|Marija|Марія; Anastasiia|Anastasia|Anastasija|Анастасія;
			Liudmyla|Ludmila|Lyudmyla|Людмила; Halyna|Galina|Halina|Галина; Valentyna|Valentina|Walentina|Валентина;
			Viktoriia|Viktoria|Wiktorija|Вікторія; Alina|Аліна; Daria|Darja|Dariia|Дарія; Hanna|Ganna|Anna|Ганна;
			Sofiia|Sofia|Sofija|Софія; Larysa|Larissa|Лариса`,
		family: `Shevchenko|Schewtschenko|Ševčenko|Shevtchenko|Шевченко; Kovalenko|Kowalenko|Коваленко; Bondarenko|Бондаренко;
			Tkachenko|Tkatschenko|Ткаченко; Kravchenko|Krawtschenko|Кравченко; Boiko|Boyko|Bojko|Бойко;
			Melnyk|Melnik|Мельник; Koval|Kowal|Коваль; Oliinyk|Oleynik|Olijnyk|Олійник; Shevchuk|Schewtschuk|Шевчук;
			Polishchuk|Polischtschuk|Поліщук; Bondar|Бондар; Tkachuk|Tkatschuk|Ткачук; Marchenko|Martschenko|Марченко;
			Lysenko|Lissenko|Лисенко; Rudenko|Руденко; Savchenko|Sawtschenko|Савченко; Petrenko|Петренко;
			Kovalchuk|Kowaltschuk|Ковальчук; Moroz|Мороз; Pavlenko|Pawlenko|Павленко; Kuzmenko|Kusmenko|Кузьменко;
			Ponomarenko|Пономаренко; Kharchenko|Chartschenko|Харченко; Levchenko|Lewtschenko|Левченко`},
	{code: "fa", weight: 9, middle: 0.15,
		male: `Mohammad|Mohammed|Muhammad|Mohamad|محمد; Ahmad|Ahmed|احمد; Ali|علی; Hossein|Hussein|Hosein|Husain|حسین;
			Reza|Resa|رضا; Mahdi|Mehdi|مهدی; Amir|امیر; Hamid|Hameed|حمید; Javad|Jawad|جواد; Mostafa|Mustafa|مصطفی;
			Rahim|Raheem|رحیم; Karim|کریم; Naser|Nasser|Nasir|ناصر; Sayed|Sayyed|Seyed|سید; Jamshid|Dschamschid|جمشید;
			Farid|Fareed|فرید; Omid|Umid|امید; Hamed|حامد; Masoud|Masud|Massoud|مسعود; Bashir|Baschir|بشیر;
			Ehsan|Ehssan|احسان; Mansour|Mansur|منصور; Wahid|Vahid|وحید; Zabihullah|Zabiullah|Sabiullah|ذبیح‌الله`,
		female: `Fatemeh|Fatima|Fateme|فاطمه; Zahra|Sahra|Zehra|زهرا; Maryam|Mariam|مریم; Masoumeh|Massoumeh|Masuma|معصومه;
			Roya|Roja|رویا; Shirin|Schirin|شیرین; Parisa|پریسا; Nasrin|Nasreen|نسرین; Leila|Layla|لیلا; Soraya|Suraya|ثریا;
			Mina|مینا; Farzaneh|Farsane|فرزانه; Nazanin|Nasanin|نازنین; Marzieh|Marsieh|مرضیه; Somayeh|Somaye|سمیه;
			Khadija|Chadidscha|خدیجه; Fereshteh|Freshta|Fereschta|فرشته; Mahboubeh|Mahbooba|محبوبه; Narges|Nargis|نرگس;
			Shabnam|Schabnam|شبنم`,
		family: `Ahmadi|Achmadi|احمدی; Mohammadi|Muhammadi|Mohamadi|محمدی; Hosseini|Husseini|Hosaini|حسینی; Rahimi|رحیمی;
			Karimi|کریمی; Hashemi|Haschemi|Hashimi|هاشمی; Rezaei|Rezai|Resai|Rezaee|رضایی; Jafari|Dschafari|Jafary|جعفری;
			Soltani|Sultani|سلطانی; Azizi|Asisi|عزیزی; Nouri|Noori|Nuri|نوری; Amiri|امیری; Sadat|Saadat|سادات;
			Habibi|حبیبی; Popal|پوپل; Stanikzai|Stanekzai|ستانکزی; Heydari|Haidari|Haydari|حیدری; Nazari|Nasari|نظری;
			Wardak|وردک; Safi|صافی; Mirzaei|Mirzai|Mirsai|میرزایی; Akbari|اکبری; Sharifi|Scharifi|شریفی;
			Gholami|Ghulami|غلامی; Samadi|صمدی; Ghorbani|Qurbani|Gorbani|قربانی`},
	{code: "ru", weight: 6, feminine: feminineSlavic,
		male: `Aleksandr|Alexander|Alexandr|Александр; Sergei|Sergej|Sergey|Сергей; Dmitrii|Dmitri|Dmitrij|Dmitry|Дмитрий;
			Andrei|Andrej|Andrey|Андрей; Aleksei|Alexej|Alexei|Aleksey|Алексей; Vladimir|Wladimir|Владимир;
			Nikolai|Nikolaj|Nikolay|Николай; Ivan|Iwan|Иван; Mikhail|Michail|Михаил; Evgenii|Jewgeni|Evgeny|Yevgeny|Евгений;
			Igor|Игорь; Viktor|Wiktor|Виктор; Iurii|Juri|Yuri|Jurij|Юрий; Oleg|Олег; Pavel|Pawel|Павел;
			Maksim|Maxim|Максим; Artem|Artjom|Artyom|Артём`,
		female: `Elena|Jelena|Yelena|Helena|Елена; Olga|Olja|Ольга; Tatiana|Tatjana|Tatyana|Татьяна;
			Natalia|Natalja|Natalya|Наталья; Irina|Ирина; Svetlana|Swetlana|Светлана; Anna|Анна;
			Ekaterina|Jekaterina|Yekaterina|Екатерина; Mariia|Maria|Marija|Мария; Iuliia|Julia|Yulia|Julija|Юлия;
			Anastasiia|Anastasia|Anastassija|Анастасия; Liudmila|Ludmila|Lyudmila|Людмила; Galina|Галина;
			Valentina|Walentina|Валентина`,
		family: `Ivanov|Iwanow|Иванов; Smirnov|Smirnow|Смирнов; Kuznetsov|Kusnezow|Kuznecov|Кузнецов; Popov|Popow|Попов;
			Vasilev|Wassiljew|Vasiliev|Васильев; Petrov|Petrow|Петров; Sokolov|Sokolow|Соколов;
			Mikhailov|Michailow|Mikhaylov|Михайлов; Novikov|Nowikow|Новиков; Fedorov|Fjodorow|Fyodorov|Фёдоров;
			Morozov|Morosow|Морозов; Volkov|Wolkow|Волков; Alekseev|Alexejew|Alekseyev|Алексеев; Lebedev|Lebedew|Лебедев;
			Semenov|Semjonow|Semyonov|Семёнов; Egorov|Jegorow|Yegorov|Егоров; Pavlov|Pawlow|Павлов; Kozlov|Koslow|Козлов`},
	{code: "pl", weight: 6, middle: 0.1, feminine: feminineSlavic,
		male: `Piotr; Krzysztof|Krzystof; Andrzej|Andrzei; Tomasz|Tomas; Paweł|Pawel|Pawell; Michał|Michal; Łukasz|Lukasz|Lukas;
			Marcin; Jakub|Jakob; Mateusz|Mateus; Wojciech|Woiciech; Kamil; Grzegorz|Gregorz; Adam; Marek; Dariusz|Darius;
			Rafał|Rafal; Sebastian; Bartosz|Bartos; Stanisław|Stanislaw|Stanislav`,
		female: `Anna; Katarzyna|Katarzina; Małgorzata|Malgorzata|Malgoschata; Agnieszka|Agnieschka|Agneszka; Barbara;
			Ewa|Eva; Krystyna|Kristina; Magdalena; Joanna|Johanna; Aleksandra|Alexandra; Monika; Zofia|Sofia;
			Dorota|Dorothea; Beata; Justyna|Justina; Agata|Agatha; Marta|Martha; Karolina`,
		family: `Nowak|Nowack; Kowalski|Kowalsky; Wiśniewski|Wisniewski|Wischniewski; Wójcik|Wojcik|Wuitschik;
			Kowalczyk|Kowaltschik; Kamiński|Kaminski; Lewandowski|Lewandowsky; Zieliński|Zielinski|Sielinski;
			Szymański|Szymanski|Schimanski; Woźniak|Wozniak|Wosniak; Dąbrowski|Dabrowski|Dombrowski;
			Kozłowski|Kozlowski|Koslowski; Jankowski; Mazur|Masur; Kwiatkowski|Kwiatkowsky; Krawczyk|Krawczik|Krawtschik;
			Piotrowski; Grabowski; Pawłowski|Pawlowski; Michalski; Adamczyk|Adamczik; Zając|Zajac; Król|Krol`},
	{code: "ro", weight: 5, middle: 0.2,
		male: `Ion|Ioan; Gheorghe|Georghe; Vasile|Wasile; Constantin|Konstantin; Mihai|Mihail|Michai; Nicolae|Nicolai;
			Ștefan|Ştefan|Stefan; Florin; Andrei|Andrej; Alexandru|Alexandro; Daniel; Marius; Adrian; Cristian|Christian;
			Ionuț|Ionuţ|Ionut; Dumitru|Dimitru; Gabriel; Bogdan; Cătălin|Catalin`,
		female: `Maria; Elena; Ioana|Joana; Ana; Mihaela|Michaela; Andreea|Andrea; Gabriela; Cristina|Christina; Alexandra;
			Florentina; Daniela; Georgiana; Nicoleta|Nicoletta; Ramona; Roxana; Simona; Alina; Mariana`,
		family: `Popescu|Popesku; Ionescu|Ionesku; Popa; Pop; Radu; Dumitru|Dimitru; Stan; Stoica|Stoika; Gheorghe|Georghe;
			Munteanu|Munteanou; Matei|Matej; Ciobanu|Tschobanu; Rusu; Lupu; Florea; Diaconu|Diakonu; Moldovan|Moldowan;
			Ștefan|Ştefan|Stefan; Dinu; Tudor; Ilie|Ilije; Sârbu|Sîrbu|Sarbu; Toma`},
	{code: "de", weight: 5, middle: 0.15,
		male: `Thomas; Michael; Andreas; Stefan|Stephan; Christian|Kristian; Peter; Jürgen|Juergen|Jurgen; Uwe; Klaus|Claus;
			Jörg|Joerg|Jorg; Frank; Markus|Marcus; Sven|Swen; Lukas|Lucas; Jonas; Paul; Felix; Matthias|Mathias`,
		female: `Sabine; Petra; Andrea; Claudia|Klaudia; Monika|Monica; Anja; Katharina|Katarina|Catharina; Julia; Laura;
			Anna; Lena; Sophie|Sofie; Marie; Jessica|Jessika; Birgit; Ute; Ursula; Gabriele`,
		family: `Müller|Mueller|Muller; Schmidt|Schmitt|Schmid; Schneider|Schnaider; Fischer; Weber; Meyer|Meier; Wagner;
			Becker|Bekker; Schulz|Schultz; Hoffmann|Hofmann; Schäfer|Schaefer|Schafer; Koch; Bauer; Richter; Klein;
			Wolf|Wolff; Schröder|Schroeder|Schroder; Neumann; Schwarz|Schwartz; Zimmermann|Zimmerman; Braun;
			Krüger|Krueger|Kruger; Hartmann; Lange; Werner; Krause; Weiß|Weiss; Günther|Guenther|Günter`},
	{code: "ku", weight: 5, middle: 0.1,
		male: `Mihemed|Muhamed|Mohammed|محەمەد; Azad|Asad|ئازاد; Rêber|Reber|Rebar|ڕێبەر; Şêrko|Sherko|Schirko|Şirko|شێرکۆ;
			Dilşad|Dilshad|Dilschad|دڵشاد; Kawa|Kaweh|کاوە; Baran|باران; Rênas|Renas; Ciwan|Jiwan|Civan|Dschiwan;
			Serhat|Serhad; Berzan|Barzan; Hejar|Hazhar|Heschar|هەژار; Ferhad|Farhad|Ferhat|فەرهاد; Zana|Sana;
			Soran|سۆران; Diyar|Dijar|دیار; Welat|Walat; Rojhat|Rojhad`,
		female: `Hêvî|Hevi|Hewi|هێڤی; Rojîn|Rojin|Roschin|ڕۆژین; Berfîn|Berfin; Nêrgiz|Nergiz|Nergis; Zozan|Sozan; Jînda|Jinda;
			Dilan|Delan|دیلان; Gulistan|Gülistan|Golestan; Rûken|Ruken; Şîrîn|Shirin|Schirin|شیرین; Evîn|Evin|Ewin|ئەڤین;
			Hêlîn|Helin; Rezan|Resan; Avîn|Avin|Awin; Bêrîvan|Berivan|Beriwan; Xezal|Khazal|Ghazal|Hezal`,
		family: `Ehmed|Ahmed|Ahmad; Elî|Ali; Xelîl|Khalil|Halil|Chalil; Omer|Omar|Ömer; Mistefa|Mustafa; Hesen|Hasan|Hassan;
			Reşîd|Rashid|Reschid|Resid; Ibrahîm|Ibrahim|Brahim; Osman|Othman; Ismaîl|Ismail|Ismayil; Bekir|Bakir|Bakr;
			Mehmûd|Mahmoud|Mahmud; Sileman|Suleiman|Süleyman; Haco|Hajo|Hadscho; Xalid|Khaled|Chalid; Kurdo|Kurdi`},
	{code: "sq", weight: 4,
		male: `Arben; Agron; Besnik; Driton; Fatmir; Ilir; Valon; Arbër|Arber; Blerim; Bekim; Ardit; Enver;
			Shkëlzen|Shkelzen|Schkelzen; Muhamet|Muhamed|Mohamet; Xhevdet|Dzhevdet|Dschewdet; Gëzim|Gezim|Gesim; Afrim;
			Bujar; Luan; Flamur`,
		female: `Arta; Blerta; Drita; Fatime|Fatima; Valbona; Lindita; Mimoza|Mimosa; Shqipe|Schqipe; Besa; Vjosa|Vjossa; Teuta;
			Mirlinda; Albana; Donika; Edona; Fjolla|Fjola; Merita; Qëndresa|Qendresa`,
		family: `Krasniqi|Krasnici|Krasnitschi; Gashi|Gaschi; Berisha|Berischa; Morina; Shala|Schala; Hoxha|Hodscha|Hodza;
			Bytyqi|Bytyci; Kelmendi; Hasani|Hassani; Rexhepi|Redzepi|Redschepi; Ahmeti|Achmeti; Osmani; Sadiku;
			Zeqiri|Zekiri; Thaçi|Thaci|Thatschi; Kastrati; Halili|Chalili; Maliqi|Malici; Aliu|Aliji`},
	{code: "sr", weight: 4,
		male: `Dragan|Драган; Milan|Милан; Nikola|Никола; Marko|Марко; Stefan|Стефан; Zoran|Зоран; Goran|Горан;
			Aleksandar|Aleksander|Александар; Nenad|Ненад; Dejan|Дејан; Miloš|Milos|Milosch|Милош;
			Đorđe|Djordje|Dorde|Ђорђе; Jovan|Јован; Emir; Adnan; Amir; Haris; Armin; Edin; Kenan; Mirza;
			Muhamed|Muhammed|Mohamed; Senad; Ivan|Иван; Josip; Luka|Лука`,
		female: `Jelena|Јелена; Milica|Militza|Милица; Ana|Ана; Marija|Марија; Ivana|Ивана; Dragana|Драгана;
			Snežana|Snezana|Snjezana|Снежана; Vesna|Весна; Maja|Маја; Amra; Emina; Lejla|Leila; Aida; Amela; Selma;
			Jasmina|Јасмина; Mirela; Azra`,
		family: `Jovanović|Jovanovic|Jowanowitsch|Јовановић; Petrović|Petrovic|Petrowitsch|Петровић;
			Nikolić|Nikolic|Nikolitsch|Николић; Marković|Markovic|Markowitsch|Марковић; Đorđević|Djordjevic|Dordevic|Ђорђевић;
			Stojanović|Stojanovic|Стојановић; Ilić|Ilic|Ilitsch|Илић; Stanković|Stankovic|Станковић;
			Pavlović|Pavlovic|Pawlowitsch|Павловић; Hodžić|Hodzic|Hodschitsch; Hadžić|Hadzic|Hadschitsch; Begić|Begic;
			Mehmedović|Mehmedovic; Delić|Delic; Kovačević|Kovacevic|Kowatschewitsch|Ковачевић; Babić|Babic|Бабић;
			Horvat|Horwath; Kovačić|Kovacic; Marić|Maric|Марић`},
	{code: "el", weight: 3, feminine: feminineGreek,
		male: `Georgios|Giorgos|Yorgos|Γεώργιος; Ioannis|Giannis|Yannis|Ιωάννης; Konstantinos|Kostas|Κωνσταντίνος;
			Dimitrios|Dimitris|Demetrios|Δημήτριος; Nikolaos|Nikos|Νικόλαος; Panagiotis|Panajotis|Παναγιώτης;
			Vasileios|Vasilis|Wassilios|Βασίλειος; Christos|Hristos|Χρήστος; Athanasios|Thanasis|Αθανάσιος;
			Michail|Michalis|Μιχαήλ; Evangelos|Vangelis|Ευάγγελος; Spyridon|Spyros|Spiridon|Σπυρίδων; Stavros|Σταύρος;
			Theodoros|Θεόδωρος; Anastasios|Αναστάσιος`,
		female: `Maria|Μαρία; Eleni|Elena|Ελένη; Aikaterini|Ekaterini|Katerina|Αικατερίνη; Vasiliki|Wassiliki|Βασιλική;
			Sofia|Sophia|Σοφία; Angeliki|Αγγελική; Georgia|Γεωργία; Dimitra|Δήμητρα; Konstantina|Κωνσταντίνα;
			Paraskevi|Paraskewi|Παρασκευή; Anna|Άννα; Eirini|Irini|Ειρήνη; Christina|Χριστίνα; Despoina|Despina|Δέσποινα`,
		family: `Papadopoulos|Papadopulos|Παπαδόπουλος; Papadakis|Παπαδάκης; Georgiou|Georgiu|Γεωργίου;
			Oikonomou|Ikonomou|Economou|Οικονόμου; Papageorgiou|Παπαγεωργίου; Vasileiou|Vasiliou|Βασιλείου;
			Nikolaidis|Nikolaides|Νικολαΐδης; Dimitriou|Dimitriu|Δημητρίου; Karagiannis|Karajannis|Καραγιάννης;
			Papadimitriou|Παπαδημητρίου; Makris|Μακρής; Konstantinidis|Κωνσταντινίδης; Ioannou|Ioannu|Ιωάννου;
			Alexiou|Alexiu|Αλεξίου; Christodoulou|Christodulou|Χριστοδούλου; Athanasiou|Αθανασίου`},
	{code: "so", weight: 2, middle: 0.9,
		male: `Mohamed|Maxamed|Mohammed|Muhammad; Abdi|Cabdi; Ahmed|Axmed|Ahmad; Ali|Cali; Hassan|Xasan|Hasan; Omar|Cumar;
			Abdullahi|Cabdullaahi|Abdullah; Yusuf|Yuusuf; Ibrahim|Ibraahim; Farah|Faarax; Abdirahman|Cabdiraxmaan;
			Osman|Cusmaan; Hussein|Xuseen; Aden|Aadan; Jama|Jaamac; Nur|Nuur`,
		female: `Fadumo|Faadumo|Fatima; Hodan|Hodon; Amina|Aamina; Asha|Aasha; Sahra|Sahro|Zahra; Hawa|Xaawo|Hawo;
			Ifrah|Ifraax; Nasra|Nasro; Maryan|Mariam; Khadra|Khadro|Qadro; Ayan|Ayaan; Ubah|Ubax`},
	{code: "er", weight: 2, middle: 0.8,
		male: `Yonas|Jonas; Yohannes|Johannes|Yohanes; Tesfay|Tesfaye|Tesfai; Mehari|Mahari; Kidane|Kidana;
			Filmon|Philemon; Dawit|Dawitt; Samuel|Samiel; Habtom|Habtum; Tekle|Tekleh; Robel|Robiel; Merhawi|Mehrawi;
			Tesfamariam|Tesfamaryam; Ghebremariam|Gebremariam|Ghebremaryam; Berhane|Brhane|Berhe; Haile|Hayle;
			Gebreyesus|Ghebreyesus; Woldu|Weldu; Asfaha|Asfeha`,
		female: `Helen|Hellen; Senait|Senayt; Selam|Salam; Meron|Merron; Feven|Fiven; Saba; Luwam|Luam; Eden; Ruta;
			Hiwet|Hewet; Semhar|Semhare; Winta|Wintana`},
	{code: "vi", weight: 2, middle: 1, familyFirst: true, maleMiddle: `Văn|Van`, femaleMiddle: `Thị|Thi`,
		male: `Minh; Đức|Duc; Hùng|Hung; Tuấn|Tuan; Dũng|Dung; Thành|Thanh; Quang; Hoàng|Hoang; Nam; Long; Huy; Phong;
			Khánh|Khanh; Trung; Bảo|Bao`,
		female: `Linh; Hương|Huong; Lan; Thảo|Thao; Mai; Hà|Ha; Ngọc|Ngoc; Trang; Hoa; Thu; Phương|Phuong; Nhung;
			Hạnh|Hanh; Anh; Vy`,
		family: `Nguyễn|Nguyen; Trần|Tran; Lê|Le; Phạm|Pham; Hoàng|Hoang; Huỳnh|Huynh; Phan; Vũ|Vu; Võ|Vo; Đặng|Dang;
			Bùi|Bui; Đỗ|Do; Hồ|Ho; Ngô|Ngo; Dương|Duong; Lý|Ly`},
}
