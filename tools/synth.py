"""Write a synthetic national data set of facility records for benchmarks and tests.

    python tools/synth.py --count 30000 --out /tmp/synth [--seed 1]
    make synth N=30000 OUT=/tmp/synth

Every record passes plugins/facility_site/records.py. Names are clearly fake
(`サンプル事業所 00001 ひだまり`); places are real municipality and station
names, so search behaves as it would on real data. The same count and seed
always give byte-identical files.

How facilities are spread over the prefectures: by population (2020 census,
thousands, rounded), as an approximation of the real distribution of
就労移行支援 offices, which follows population closely. Every prefecture gets
at least one facility once the count reaches 47; the shares are apportioned
exactly (largest remainder), not sampled, so small counts stay representative.
Within a prefecture the listed municipalities are weighted by their rank
(the prefectural capital or largest city first, weight 1/(rank+1)^0.8), a rough
stand-in for the concentration of offices in big cities.

Station/line pairs are plausible, not checked against the real network.

Deliberate traps for search quality:
- 東京都 vs 京都府: some 京都府 records mention 東京 in their catchphrase, so a
  bigram index finds them for 東京都 (東京 + 京都 pieces in different fields).
- Shared pieces: 緑区 (横浜市, 相模原市, さいたま市, 千葉市, 名古屋市), 中央区 in many
  cities, 府中市 (東京都 and 広島県), 伊達市 (北海道 and 福島県), 八丁堀 (東京 and
  広島), 東山 (京都 and 岡山), 大宮 within 東大宮, 森 within 流山おおたかの森.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

import yaml

try:  # the C dumper is ~10x faster; both write the same YAML for these records
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - libyaml is part of the pinned wheel
    from yaml import SafeDumper as _Dumper

FILE_PREFIX = "sample-"

# (prefecture, population in thousands, 2020 census, rounded)
POPULATION = (
    ("北海道", 5225), ("青森県", 1238), ("岩手県", 1211), ("宮城県", 2302), ("秋田県", 960),
    ("山形県", 1068), ("福島県", 1833), ("茨城県", 2867), ("栃木県", 1933), ("群馬県", 1939),
    ("埼玉県", 7345), ("千葉県", 6284), ("東京都", 14048), ("神奈川県", 9237), ("新潟県", 2201),
    ("富山県", 1035), ("石川県", 1133), ("福井県", 767), ("山梨県", 810), ("長野県", 2048),
    ("岐阜県", 1979), ("静岡県", 3633), ("愛知県", 7542), ("三重県", 1770), ("滋賀県", 1414),
    ("京都府", 2578), ("大阪府", 8838), ("兵庫県", 5465), ("奈良県", 1324), ("和歌山県", 923),
    ("鳥取県", 553), ("島根県", 671), ("岡山県", 1888), ("広島県", 2800), ("山口県", 1342),
    ("徳島県", 720), ("香川県", 950), ("愛媛県", 1335), ("高知県", 692), ("福岡県", 5135),
    ("佐賀県", 811), ("長崎県", 1312), ("熊本県", 1738), ("大分県", 1124), ("宮崎県", 1070),
    ("鹿児島県", 1588), ("沖縄県", 1467),
)  # fmt: skip

# Municipalities per prefecture, largest or capital first. "市区:駅1,駅2" gives
# the stations; without ":" the station is the municipality's own name
# (旭川市 -> 旭川), which is how most Japanese towns name their main station.
PLACES: dict[str, str] = {
    "北海道": "札幌市中央区:大通,すすきの 札幌市北区:北24条,麻生 札幌市東区:元町 札幌市白石区:白石 札幌市豊平区:平岸 "
    "札幌市西区:琴似 札幌市厚別区:新札幌 札幌市手稲区:手稲 旭川市 函館市:函館,五稜郭 釧路市 帯広市 苫小牧市 小樽市 "
    "北見市 江別市 伊達市:伊達紋別 室蘭市:東室蘭",
    "青森県": "青森市 八戸市:本八戸,八戸 弘前市 十和田市:三本木 むつ市:下北 五所川原市",
    "岩手県": "盛岡市 一関市 奥州市:水沢 花巻市 北上市 宮古市",
    "宮城県": "仙台市青葉区:仙台,北四番丁 仙台市宮城野区:宮城野原,榴ケ岡 仙台市若林区:薬師堂 仙台市太白区:長町 "
    "仙台市泉区:泉中央 石巻市 大崎市:古川 名取市 多賀城市",
    "秋田県": "秋田市 横手市 大仙市:大曲 能代市 由利本荘市:羽後本荘",
    "山形県": "山形市 鶴岡市 酒田市 米沢市 天童市",
    "福島県": "郡山市 いわき市 福島市 会津若松市 伊達市:伊達 白河市:新白河 須賀川市",
    "茨城県": "水戸市 つくば市 日立市 ひたちなか市:勝田 土浦市 古河市 取手市",
    "栃木県": "宇都宮市 小山市 栃木市 足利市 那須塩原市 佐野市",
    "群馬県": "前橋市 高崎市 太田市 伊勢崎市 桐生市 草津町:長野原草津口",
    "埼玉県": "さいたま市大宮区:大宮 さいたま市浦和区:浦和 さいたま市見沼区:東大宮 さいたま市緑区:浦和美園 "
    "さいたま市中央区:与野本町 さいたま市南区:南浦和,武蔵浦和 川口市:川口,西川口 川越市:川越,本川越 越谷市:越谷,南越谷 "
    "所沢市 草加市 春日部市 上尾市 熊谷市 戸田市:戸田公園 朝霞市:朝霞台",
    "千葉県": "千葉市中央区:千葉,本千葉 船橋市:船橋,西船橋 柏市:柏,柏の葉キャンパス 松戸市 市川市:市川,本八幡 "
    "流山市:流山おおたかの森,南流山 千葉市緑区:鎌取,土気 千葉市美浜区:海浜幕張 千葉市花見川区:幕張 千葉市稲毛区:稲毛 "
    "習志野市:津田沼 浦安市:浦安,新浦安 木更津市 成田市",
    "東京都": "新宿区:新宿,新宿御苑前,高田馬場,西新宿 渋谷区:渋谷,代々木,恵比寿 豊島区:池袋,大塚,巣鴨 千代田区:東京,秋葉原,神田 "
    "中央区:京橋,銀座,八丁堀,日本橋 港区:品川,田町,新橋 台東区:上野,浅草 墨田区:錦糸町,押上 江東区:門前仲町,豊洲,亀戸 "
    "品川区:大崎,五反田,大井町 目黒区:目黒,中目黒 大田区:蒲田,大森 世田谷区:三軒茶屋,二子玉川,下北沢 中野区:中野 "
    "杉並区:荻窪,高円寺,阿佐ケ谷 北区:赤羽,王子 荒川区:日暮里,町屋 板橋区:板橋,成増 練馬区:練馬,石神井公園 "
    "足立区:北千住,綾瀬 葛飾区:金町,青砥 江戸川区:小岩,葛西 文京区:後楽園,茗荷谷 八王子市:八王子,京王八王子 町田市 "
    "府中市:府中,府中本町 調布市 立川市 武蔵野市:吉祥寺,三鷹 三鷹市 西東京市:田無,ひばりヶ丘",
    "神奈川県": "横浜市中区:関内,石川町,桜木町 横浜市西区:横浜 横浜市港北区:新横浜,日吉,菊名 横浜市青葉区:あざみ野,たまプラーザ,青葉台 "
    "横浜市緑区:中山,長津田,十日市場 横浜市戸塚区:戸塚 横浜市神奈川区:東神奈川 横浜市鶴見区:鶴見 横浜市港南区:上大岡 "
    "川崎市川崎区:川崎 川崎市中原区:武蔵小杉 川崎市高津区:溝の口 川崎市宮前区:宮崎台 川崎市多摩区:登戸 川崎市麻生区:新百合ヶ丘 "
    "相模原市緑区:橋本 相模原市中央区:相模原 相模原市南区:相模大野 藤沢市:藤沢,湘南台 横須賀市:横須賀中央 平塚市 "
    "厚木市:本厚木 大和市 小田原市 茅ヶ崎市:茅ケ崎 鎌倉市",
    "新潟県": "新潟市中央区:新潟,白山 新潟市東区:東新潟 新潟市西区:内野 新潟市北区:豊栄 長岡市 上越市:高田,直江津 三条市:東三条 "
    "新発田市 柏崎市",
    "富山県": "富山市 高岡市 射水市:小杉 魚津市 砺波市",
    "石川県": "金沢市 白山市:松任 小松市 加賀市:加賀温泉 七尾市",
    "福井県": "福井市 坂井市:春江 越前市:武生 鯖江市 敦賀市",
    "山梨県": "甲府市 甲斐市:竜王 南アルプス市 富士吉田市 笛吹市:石和温泉",
    "長野県": "長野市 松本市 上田市 飯田市 佐久市:佐久平 安曇野市:豊科",
    "岐阜県": "岐阜市 大垣市 各務原市 多治見市 関市:関 高山市",
    "静岡県": "静岡市葵区:静岡,新静岡 静岡市駿河区:東静岡 静岡市清水区:清水 浜松市中央区:浜松,高塚 浜松市浜名区:浜北 "
    "浜松市天竜区:天竜二俣 沼津市 富士市:富士,吉原 磐田市 藤枝市 三島市 焼津市 掛川市",
    "愛知県": "名古屋市中区:栄,伏見,上前津 名古屋市中村区:名古屋 名古屋市千種区:今池,千種 名古屋市緑区:鳴海,徳重 "
    "名古屋市港区:築地口 名古屋市北区:黒川 名古屋市名東区:藤が丘 名古屋市天白区:原 名古屋市熱田区:熱田,金山 豊田市 "
    "岡崎市:東岡崎 一宮市:尾張一宮 豊橋市 春日井市 刈谷市",
    "三重県": "四日市市:近鉄四日市 津市:津 鈴鹿市:白子 松阪市 桑名市 伊勢市",
    "滋賀県": "大津市:大津,膳所 草津市:草津,南草津 長浜市 東近江市:八日市 彦根市 守山市",
    "京都府": "京都市中京区:烏丸御池,二条 京都市下京区:京都,四条 京都市左京区:出町柳 京都市右京区:嵐山,太秦 京都市伏見区:伏見,丹波橋 "
    "京都市山科区:山科 京都市東山区:東山,祇園四条 京都市北区:北大路 京都市上京区:今出川 宇治市 亀岡市 長岡京市 福知山市 "
    "舞鶴市:東舞鶴 京田辺市 向日市:向日町",
    "大阪府": "大阪市北区:梅田,大阪,天満 大阪市中央区:本町,心斎橋,谷町四丁目 大阪市天王寺区:天王寺 大阪市淀川区:十三,新大阪 "
    "大阪市東淀川区:上新庄 大阪市住之江区:住之江公園 大阪市平野区:平野 大阪市浪速区:なんば,大国町 大阪市西区:西長堀 "
    "堺市堺区:堺東 堺市北区:中百舌鳥 堺市中区:深井 堺市南区:泉ケ丘 東大阪市:布施,長田 枚方市:枚方市,御殿山 "
    "豊中市:豊中,千里中央 吹田市:江坂,吹田 高槻市 茨木市 八尾市 寝屋川市:寝屋川市 岸和田市 守口市:守口市",
    "兵庫県": "神戸市中央区:三宮,元町,神戸 神戸市灘区:六甲道 神戸市東灘区:住吉 神戸市兵庫区:兵庫 神戸市長田区:新長田 "
    "神戸市須磨区:須磨 神戸市垂水区:垂水 神戸市西区:西神中央 神戸市北区:谷上 姫路市 西宮市:西宮北口 尼崎市 明石市 "
    "加古川市 宝塚市 伊丹市",
    "奈良県": "奈良市:奈良,大和西大寺 橿原市:大和八木 生駒市 大和郡山市:郡山 天理市",
    "和歌山県": "和歌山市 田辺市:紀伊田辺 橋本市 紀の川市:打田 海南市",
    "鳥取県": "鳥取市 米子市 倉吉市 境港市",
    "島根県": "松江市 出雲市 浜田市 益田市 安来市",
    "岡山県": "岡山市北区:岡山,北長瀬 岡山市中区:東山 岡山市南区:妹尾 岡山市東区:西大寺 倉敷市:倉敷,新倉敷 津山市 総社市 玉野市:宇野",
    "広島県": "広島市中区:紙屋町東,八丁堀,本通 広島市南区:広島,段原一丁目 広島市西区:横川,西広島 広島市東区:矢賀 "
    "広島市安佐南区:大町 広島市安佐北区:可部 広島市佐伯区:五日市 福山市 呉市 東広島市:西条 尾道市 府中市:府中 三原市 廿日市市",
    "山口県": "下関市 山口市 宇部市 周南市:徳山 岩国市",
    "徳島県": "徳島市 阿南市 鳴門市 吉野川市:鴨島 小松島市:南小松島",
    "香川県": "高松市:高松,瓦町 丸亀市 三豊市:詫間 観音寺市 坂出市",
    "愛媛県": "松山市:松山,松山市 今治市 新居浜市 西条市:伊予西条 四国中央市:伊予三島",
    "高知県": "高知市 南国市:後免 四万十市:中村 香南市:のいち 土佐市",
    "福岡県": "福岡市博多区:博多,東比恵 福岡市中央区:天神,赤坂,薬院 福岡市東区:千早,香椎 福岡市南区:大橋 福岡市早良区:西新 "
    "福岡市西区:姪浜 福岡市城南区:七隈 北九州市小倉北区:小倉 北九州市小倉南区:守恒 北九州市八幡西区:黒崎,折尾 "
    "北九州市八幡東区:八幡 北九州市戸畑区:戸畑 北九州市門司区:門司港 北九州市若松区:若松 久留米市 飯塚市:新飯塚 大牟田市 春日市",
    "佐賀県": "佐賀市 唐津市 鳥栖市 伊万里市 武雄市:武雄温泉",
    "長崎県": "長崎市 佐世保市 諫早市 大村市 島原市",
    "熊本県": "熊本市中央区:水道町,通町筋 熊本市東区:健軍町 熊本市西区:熊本 熊本市南区:平成 熊本市北区:植木 八代市 玉名市 "
    "合志市:御代志 宇土市",
    "大分県": "大分市 別府市 中津市 佐伯市 日田市",
    "宮崎県": "宮崎市 都城市 延岡市 日向市:日向市 日南市",
    "鹿児島県": "鹿児島市:鹿児島中央,鹿児島 霧島市:国分 鹿屋市 薩摩川内市:川内 姶良市",
    "沖縄県": "那覇市:県庁前,おもろまち,旭橋 沖縄市 うるま市 浦添市:浦添前田 宜野湾市 名護市",
}

# Lines per prefecture; a station keeps the same line in every record.
LINES: dict[str, tuple[str, ...]] = {
    "北海道": ("JR函館本線", "札幌市営地下鉄南北線", "札幌市営地下鉄東西線"),
    "東京都": ("JR山手線", "JR中央線", "東京メトロ丸ノ内線", "東京メトロ東西線", "都営新宿線", "京王線", "小田急線", "東急東横線", "西武池袋線"),
    "神奈川県": ("JR東海道本線", "JR横浜線", "横浜市営地下鉄ブルーライン", "東急田園都市線", "京急本線", "小田急小田原線"),
    "埼玉県": ("JR京浜東北線", "JR埼京線", "東武スカイツリーライン", "東武東上線", "西武池袋線"),
    "千葉県": ("JR総武線", "東武野田線", "つくばエクスプレス", "京成本線", "JR常磐線"),
    "愛知県": ("名古屋市営地下鉄東山線", "名古屋市営地下鉄名城線", "名鉄名古屋本線", "JR東海道本線"),
    "大阪府": ("大阪メトロ御堂筋線", "大阪メトロ谷町線", "京阪本線", "阪急京都線", "JR大阪環状線", "南海本線"),
    "京都府": ("京都市営地下鉄烏丸線", "京都市営地下鉄東西線", "阪急京都線", "京阪本線", "JR嵯峨野線"),
    "兵庫県": ("JR神戸線", "阪急神戸線", "阪神本線", "神戸市営地下鉄西神・山手線"),
    "福岡県": ("福岡市地下鉄空港線", "西鉄天神大牟田線", "JR鹿児島本線"),
    "広島県": ("広島電鉄本線", "JR山陽本線", "アストラムライン"),
}
DEFAULT_LINES = ("JR", "JR本線", "私鉄線")

BRANDS = (
    ("ひだまり", "ひだまり"), ("ミライ", "みらい"), ("若葉", "わかば"), ("あおぞら", "あおぞら"), ("キャリアステップ", "きゃりあすてっぷ"),
    ("ワークス", "わーくす"), ("虹", "にじ"), ("さくら", "さくら"), ("リンク", "りんく"), ("はばたき", "はばたき"),
    ("つばさ", "つばさ"), ("ネクスト", "ねくすと"), ("みどり", "みどり"), ("コネクト", "こねくと"), ("陽だまり", "ひだまり"),
    ("スマイル", "すまいる"), ("ITカレッジ", "あいてぃーかれっじ"), ("ジョブ", "じょぶ"), ("", ""), ("", ""),
)  # fmt: skip

FEATURES = (
    "少人数制", "在宅訓練可", "駅近", "土曜開所", "送迎あり", "昼食提供", "IT訓練", "プログラミング", "Webデザイン", "軽作業",
    "資格取得支援", "女性スタッフ在籍", "個別支援", "企業実習", "精神保健福祉士在籍", "作業療法士在籍", "公認心理師在籍",
    "自己理解プログラム", "ビジネスマナー", "パソコン訓練", "生活リズムづくり", "見学随時", "体験利用可", "eスポーツ",
)  # fmt: skip

CATCHPHRASES = (
    "一人ひとりのペースに合わせた就職支援",
    "働く力を、ここから育てる",
    "駅から近く通いやすい事業所です",
    "就職後も長く働けるよう寄り添います",
    "パソコンとビジネスマナーを基礎から",
    "まずは見学から、お気軽にどうぞ",
    "得意を活かした仕事探しを応援",
    "生活リズムを整えるところから始めます",
    "少人数で落ち着いて訓練できます",
    "企業実習で実際の職場を体験",
)
# Catchphrase for some 京都府 records: 東京 in one field, 京都 in another.
TOKYO_TRAP = "東京の本社と連携した就職支援"

SERVICE_MIXES = (  # (weight, services)
    (34, ("就労移行支援",)),
    (30, ("就労移行支援", "就労定着支援")),
    (6, ("就労移行支援", "就労定着支援", "自立訓練(生活訓練)")),
    (4, ("就労移行支援", "自立訓練(生活訓練)")),
    (5, ("就労移行支援", "就労継続支援B型")),
    (2, ("就労定着支援",)),
    (7, ("就労継続支援B型",)),
    (5, ("就労継続支援A型",)),
    (3, ("就労継続支援B型", "自立訓練(生活訓練)")),
    (2, ("就労移行支援", "自立訓練(機能訓練)")),
    (2, ("就労継続支援A型", "就労継続支援B型")),
)

DISABILITY_SETS = (  # (weight, accepted types)
    (35, ("精神", "知的", "発達", "身体", "難病")),
    (25, ("精神", "知的", "発達")),
    (15, ("精神", "発達")),
    (8, ("精神",)),
    (6, ("知的",)),
    (5, ("身体", "難病")),
    (4, ("精神", "発達", "難病")),
    (2, ("発達",)),
)

# Each metric in every accepted notation; None means not published (非公開).
RETENTION_FORMS = (None, None, "90%以上", "90以上", 85, 72.5, "50~60%", "60〜70%", "80％以上", {"min": 70, "max": 80}, "30%未満", 100, "95")
HIRES_FORMS = (None, None, "10~14名", "15名以上", 3, "1〜5人", "5名未満", "6-9名", 12, {"min": 2, "max": 4}, "20人以上", 0, "3以下")
STAY_FORMS = (None, None, "6~12ヶ月", "12-18か月", 9, "24ヶ月以下", {"min": 6, "max": 12}, "18カ月以上", "12〜24ヶ月", 14.5, "6ヶ月未満")

# Approximate position of each prefectural office (lat, lng): the centre each
# prefecture's synthetic offices are scattered around (records carry `location`
# as imported records do). Cities sit at a fixed offset from it, the first
# (the capital or largest city) at the centre; offices gather around their city.
CAPITALS: dict[str, tuple[float, float]] = {
    "北海道": (43.064, 141.347), "青森県": (40.824, 140.740), "岩手県": (39.704, 141.153), "宮城県": (38.269, 140.872),
    "秋田県": (39.719, 140.102), "山形県": (38.240, 140.363), "福島県": (37.750, 140.468), "茨城県": (36.342, 140.447),
    "栃木県": (36.566, 139.884), "群馬県": (36.391, 139.061), "埼玉県": (35.857, 139.649), "千葉県": (35.605, 140.123),
    "東京都": (35.690, 139.692), "神奈川県": (35.448, 139.643), "新潟県": (37.903, 139.023), "富山県": (36.695, 137.211),
    "石川県": (36.595, 136.626), "福井県": (36.065, 136.222), "山梨県": (35.664, 138.568), "長野県": (36.651, 138.181),
    "岐阜県": (35.391, 136.722), "静岡県": (34.977, 138.383), "愛知県": (35.180, 136.907), "三重県": (34.730, 136.509),
    "滋賀県": (35.005, 135.869), "京都府": (35.021, 135.756), "大阪府": (34.686, 135.520), "兵庫県": (34.691, 135.183),
    "奈良県": (34.685, 135.833), "和歌山県": (34.226, 135.168), "鳥取県": (35.504, 134.238), "島根県": (35.472, 133.051),
    "岡山県": (34.662, 133.934), "広島県": (34.397, 132.460), "山口県": (34.186, 131.471), "徳島県": (34.066, 134.559),
    "香川県": (34.340, 134.043), "愛媛県": (33.842, 132.766), "高知県": (33.560, 133.531), "福岡県": (33.606, 130.418),
    "佐賀県": (33.249, 130.299), "長崎県": (32.745, 129.874), "熊本県": (32.790, 130.742), "大分県": (33.238, 131.613),
    "宮崎県": (31.911, 131.424), "鹿児島県": (31.560, 130.558), "沖縄県": (26.212, 127.681),
}  # fmt: skip
# Share of records with a location (imported records have one; some hand-written ones do not).
LOCATED_SHARE = 0.95

UPDATED_FROM = dt.date(2026, 1, 5)
UPDATED_SPAN_DAYS = 300


def apportion(count: int, weights: list[int], minimum: int = 0) -> list[int]:
    """Split `count` in proportion to `weights` (largest remainder), each share at least `minimum`."""
    shares = [minimum] * len(weights)
    rest = count - minimum * len(weights)
    total = sum(weights)
    exact = [rest * w / total for w in weights]
    shares = [s + int(e) for s, e in zip(shares, exact, strict=True)]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - int(exact[i])), i))
    for i in order[: count - sum(shares)]:
        shares[i] += 1
    return shares


def parse_places(spec: str) -> list[tuple[str, tuple[str, ...]]]:
    """'新宿区:新宿,高田馬場 旭川市' -> [(新宿区, (新宿, 高田馬場)), (旭川市, (旭川,))]."""
    places = []
    for item in spec.split():
        city, _, stations = item.partition(":")
        if not stations:
            stations = city.removesuffix("市").removesuffix("町").removesuffix("村")
        places.append((city, tuple(stations.split(","))))
    return places


def _weighted(rng: random.Random, table):
    return rng.choices([v for _, v in table], weights=[w for w, _ in table], k=1)[0]


def _line_for(prefecture: str, station: str) -> str:
    lines = LINES.get(prefecture, DEFAULT_LINES)
    return lines[sum(map(ord, station)) % len(lines)]


def city_centre(prefecture: str, city: str, rank: int) -> tuple[float, float]:
    """A fixed spot for a city: the capital's position for the first, an offset of up to ~0.4° for the rest."""
    lat, lng = CAPITALS[prefecture]
    if rank == 0:
        return lat, lng
    spot = random.Random(f"{prefecture}/{city}")  # string seeds are hashed the same way every run
    reach = 0.05 if "区" in city and rank < 30 else 0.4
    return lat + spot.uniform(-reach, reach) * 0.8, lng + spot.uniform(-reach, reach)


def synthetic_location(number: int, prefecture: str, city: str, rank: int, seed: int) -> dict | None:
    """Near the city's spot (about 2 km spread), from its own random stream so the other fields do not move."""
    rng = random.Random(f"location/{seed}/{number}")
    if rng.random() >= LOCATED_SHARE:
        return None
    lat, lng = city_centre(prefecture, city, rank)
    return {"lat": round(lat + rng.gauss(0, 0.015), 6), "lng": round(lng + rng.gauss(0, 0.018), 6)}


def make_record(number: int, prefecture: str, rng: random.Random, seed: int = 1) -> dict:
    """One record as the YAML mapping an operator would write."""
    places = parse_places(PLACES[prefecture])
    city_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(places))]
    city, stations = rng.choices(places, weights=city_weights, k=1)[0]
    brand, brand_kana = rng.choice(BRANDS)
    name = f"サンプル事業所 {number:05d}" + (f" {brand}" if brand else "")
    kana = f"さんぷるじぎょうしょ {number:05d}" + (f" {brand_kana}" if brand_kana else "")
    services = _weighted(rng, SERVICE_MIXES)
    record: dict = {"name": name, "name_kana": kana, "prefecture": prefecture, "city": city}
    if rng.random() < 0.85:
        record["address"] = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
    if rng.random() < 0.93:
        chosen = rng.sample(stations, k=min(len(stations), rng.choice((1, 1, 1, 2, 2, 3))))
        access = []
        for station in chosen:
            walk = rng.choice((0.5, 1, 2, 3, 4, 5, 5, 6, 7, 8, 10, 12, 15, 20, 25))
            entry: dict = {}
            if rng.random() < 0.6:
                entry["line"] = _line_for(prefecture, station)
            entry["station"] = station + ("駅" if rng.random() < 0.3 else "")
            entry["walk_minutes"] = walk
            access.append(entry)
        record["access"] = access
    record["services"] = list(services)
    big = any("継続" in s for s in services)
    record["capacity"] = rng.choice((10, 14, 20, 20, 25, 30, 40)) if big else rng.choice((6, 8, 10, 12, 15, 20, 20, 24))
    for key, forms in (("retention_rate", RETENTION_FORMS), ("hires_last_year", HIRES_FORMS), ("average_stay", STAY_FORMS)):
        value = rng.choice(forms)
        if value is not None:
            record[key] = value
    record["disabilities"] = list(_weighted(rng, DISABILITY_SETS))
    if prefecture == "京都府" and rng.random() < 0.15:
        record["catchphrase"] = TOKYO_TRAP
    elif rng.random() < 0.8:
        record["catchphrase"] = rng.choice(CATCHPHRASES)
    if rng.random() < 0.3:
        record["description"] = f"{city}にあるサンプルの事業所です。\n実在の事業所ではありません。\n"
    features = rng.sample(FEATURES, k=rng.randint(0, 4))
    if features:
        record["features"] = features
    if rng.random() < 0.2:
        record["url"] = f"https://example.jp/sample/{number:05d}/"
    location = synthetic_location(number, prefecture, city, places.index((city, stations)), seed)
    if location is not None:
        record["location"] = location
    updated = UPDATED_FROM + dt.timedelta(days=rng.randrange(UPDATED_SPAN_DAYS))
    record["updated"] = updated.isoformat()
    return record


def generate(count: int, seed: int = 1) -> list[tuple[str, dict]]:
    """(id, record) pairs, ids sample-00001 …, deterministic for (count, seed)."""
    rng = random.Random(seed)
    names = [name for name, _ in POPULATION]
    shares = apportion(count, [pop for _, pop in POPULATION], minimum=1 if count >= len(names) else 0)
    prefectures = [name for name, share in zip(names, shares, strict=True) for _ in range(share)]
    rng.shuffle(prefectures)
    return [(f"{FILE_PREFIX}{n:05d}", make_record(n, pref, rng, seed)) for n, pref in enumerate(prefectures, start=1)]


def write(count: int, out: Path, seed: int = 1) -> int:
    """Write the records into `out`, replacing an earlier synthetic set there; return the count."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{FILE_PREFIX}*.yaml"):
        old.unlink()
    for record_id, record in generate(count, seed):
        text = yaml.dump(record, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
        (out / f"{record_id}.yaml").write_text(text, encoding="utf-8")
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", "-n", type=int, required=True, help="how many facilities")
    parser.add_argument("--out", "-o", type=Path, required=True, help="folder for the YAML records")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    if args.count > 99999:
        parser.error("--count must be at most 99999 (ids have five digits)")
    write(args.count, args.out, args.seed)
    print(f"synth: wrote {args.count} records to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
