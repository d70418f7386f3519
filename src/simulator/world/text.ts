/**
 * Chinese vocabulary for generated users, notes and comments: the guide's keywords (美食推荐, 美食博主, 口红)
 * and more, per content category, so that search answers are "about the keyword asked".
 */
import type { Rng } from "./random.js";

export interface Category {
  name: string;
  /** Search keywords filed under this category; every note of it contains at least one. */
  keywords: readonly string[];
  /** The phrase user profiles of this category carry (so user search for it finds them). */
  bloggerTag: string;
  subjects: readonly string[];
  sentences: readonly string[];
}

export const CATEGORIES: readonly Category[] = [
  {
    name: "美食",
    keywords: ["美食推荐", "美食博主", "探店", "家常菜", "甜品", "火锅"],
    bloggerTag: "美食博主",
    subjects: [
      "这家小店",
      "妈妈的红烧肉",
      "一碗热汤面",
      "芋泥波波奶茶",
      "巷子里的火锅",
      "周末早午餐",
      "自制蛋挞",
      "酸菜鱼",
    ],
    sentences: [
      "味道真的绝了，一口下去幸福感爆棚",
      "人均不到五十，性价比超高",
      "排队半小时也值得，强烈推荐",
      "做法超简单，厨房小白也能学会",
      "汤底浓郁，配料新鲜",
      "甜而不腻，下午茶首选",
      "老板人很好，还送了小菜",
    ],
  },
  {
    name: "美妆",
    keywords: ["口红", "口红试色", "护肤", "粉底液", "眼影"],
    bloggerTag: "美妆博主",
    subjects: ["这支口红", "秋冬口红", "平价粉底液", "新款眼影盘", "敏感肌护肤", "黄皮显白口红"],
    sentences: [
      "上嘴超级显白，黄皮姐妹放心冲",
      "质地丝滑，不拔干不卡纹",
      "持妆一整天，吃饭也不掉色",
      "这个色号真的太温柔了",
      "空瓶了好几支，回购无数次",
      "敏感肌用着也没有刺激",
    ],
  },
  {
    name: "旅行",
    keywords: ["旅行攻略", "周末去哪儿", "露营", "大理"],
    bloggerTag: "旅行博主",
    subjects: ["大理三天两晚", "城市周边露营", "洱海骑行", "古镇一日游", "海边日落"],
    sentences: [
      "路线和预算都整理好了，直接抄作业",
      "人少景美，出片率百分百",
      "记得提前订民宿，节假日很难订",
      "傍晚的晚霞美到失语",
      "交通攻略放在最后一张图",
    ],
  },
  {
    name: "穿搭",
    keywords: ["穿搭", "通勤穿搭", "小个子穿搭"],
    bloggerTag: "穿搭博主",
    subjects: ["一周通勤穿搭", "小个子显高秘诀", "秋冬叠穿", "基础款衬衫"],
    sentences: ["简单又显气质，上班不用再纠结", "一米五五也能穿出大长腿", "配色高级，不挑身材", "链接都整理在评论区啦"],
  },
  {
    name: "健身",
    keywords: ["健身", "减脂餐", "瑜伽"],
    bloggerTag: "健身博主",
    subjects: ["七天减脂餐", "居家瑜伽", "帕梅拉跟练", "跑步打卡"],
    sentences: [
      "坚持一个月，腰围小了五厘米",
      "热量低还好吃，饱腹感很强",
      "每天二十分钟，新手友好",
      "自律的人生真的会发光",
    ],
  },
  {
    name: "家居",
    keywords: ["家居好物", "租房改造"],
    bloggerTag: "家居博主",
    subjects: ["出租屋改造", "百元家居好物", "小户型收纳"],
    sentences: ["花了不到五百块，房间焕然一新", "收纳神器，空间瞬间变大", "氛围感拉满，下班回家超治愈"],
  },
  {
    name: "萌宠",
    keywords: ["猫咪", "萨摩耶", "宠物日常"],
    bloggerTag: "宠物博主",
    subjects: ["我家萨摩耶", "橘猫的一天", "猫咪洗澡", "狗狗拆家现场"],
    sentences: ["每天都被它萌化了", "拆家小能手又上线了", "微笑天使名不虚传", "铲屎官的快乐你想象不到"],
  },
  {
    name: "数码",
    keywords: ["数码", "手机摄影"],
    bloggerTag: "数码博主",
    subjects: ["手机摄影技巧", "新款平板体验", "桌面改造"],
    sentences: ["随手一拍就是大片", "续航比想象中好太多", "参数都放在图里了"],
  },
];

export const EMOJI_CODES = [
  "[笑哭R]",
  "[捂脸R]",
  "[doge]",
  "[赞R]",
  "[哇R]",
  "[派对R]",
  "[色色R]",
  "[害羞R]",
  "[飞吻R]",
  "[吃瓜R]",
] as const;

export const IP_LOCATIONS = [
  "上海",
  "北京",
  "广东",
  "浙江",
  "四川",
  "江苏",
  "湖北",
  "云南",
  "福建",
  "重庆",
  "Guangdong",
  "Henan",
] as const;

const NICK_HEADS = ["小", "阿", "大", "是", "爱吃", "一只", "今天也要", "快乐", "元气", "佛系"];
const NICK_TAILS = [
  "鱼丸",
  "桃子",
  "奶昔",
  "橙子",
  "团子",
  "喵喵",
  "阿狸",
  "布丁",
  "栗子",
  "可乐",
  "芒果",
  "星星",
  "饭团",
];
const NICK_SUFFIX = ["", "酱", "呀", "同学", "日记", "的小窝", "Lily", "_", "2024"];

export function nickname(rng: Rng, category: Category): string {
  const base = `${rng.pick(NICK_HEADS)}${rng.pick(NICK_TAILS)}${rng.pick(NICK_SUFFIX)}`;
  // Some bloggers put their category in the name ("美食鱼丸"), as real ones do.
  return rng.bool(0.2) ? `${category.name}${base}` : base;
}

export function userDesc(rng: Rng, category: Category): string {
  const extras = ["合作请私信", "日常分享", "记录生活", "💌 商务合作见主页", "不定期更新", "谢谢关注~"];
  const phrase =
    category.name === "美妆"
      ? "口红试色、护肤心得"
      : category.name === "美食"
        ? "探店和家常菜，只推荐真心好吃的"
        : `${category.keywords.join("、")}`;
  return `${category.bloggerTag}｜${phrase}\n${rng.pick(extras)}`;
}

export interface NoteText {
  title: string;
  desc: string;
}

/**
 * A note's title and body. The body carries every keyword (so search by keyword finds it), hashtag
 * markers `#name[话题]#`, emoji codes and @mentions, like real XHS text.
 */
export function noteText(
  rng: Rng,
  category: Category,
  keywords: readonly string[],
  hashtags: readonly string[],
  mentions: readonly string[],
): NoteText {
  const subject = rng.pick(category.subjects);
  const first = keywords[0] ?? category.keywords[0] ?? "";
  const titles = [
    `${subject}｜${first}`,
    `${first}！${subject}真的绝了`,
    `${subject}，${rng.pick(category.sentences)}`,
    `私藏${first}分享`,
  ];
  // XHS titles are at most 20 characters.
  const title = [...rng.pick(titles)].slice(0, 20).join("");
  const lines: string[] = [];
  const sentenceCount = rng.int(2, 6);
  for (let i = 0; i < sentenceCount; i++) {
    const emoji = rng.bool(0.6) ? rng.pick(EMOJI_CODES) : "";
    lines.push(`${rng.pick(category.sentences)}${emoji}`);
  }
  lines.splice(1, 0, `今天分享的是${keywords.join("、")}相关～`);
  if (mentions.length > 0) lines.push(mentions.map((m) => `@${m}`).join(" "));
  const tags = hashtags.map((h) => `#${h}[话题]#`).join(" ");
  return { title, desc: `${lines.join("\n")}\n${tags}` };
}

const COMMENT_PHRASES = [
  "太好看了吧",
  "求链接！",
  "已收藏，周末就去",
  "姐妹你也太会了",
  "真的吗？我去试试",
  "蹲一个后续",
  "这个色号叫什么呀",
  "看饿了",
  "好治愈",
  "第一次见这么详细的攻略",
  "请问在哪里买的",
  "学到了学到了",
  "同款！",
  "笑死我了",
  "支持支持",
];
const REPLY_PHRASES = [
  "同问",
  "我也想知道",
  "是的呢",
  "谢谢分享",
  "哈哈哈哈哈",
  "已私信你啦",
  "在主页置顶里",
  "+1",
  "真的很好用",
];

export function commentText(rng: Rng, mentions: readonly string[]): string {
  const emoji = rng.bool(0.4) ? rng.pick(EMOJI_CODES) : "";
  const mention = mentions.length > 0 ? ` @${mentions.join(" @")}` : "";
  return `${rng.pick(COMMENT_PHRASES)}${emoji}${mention}`;
}

export function replyText(rng: Rng): string {
  return `${rng.pick(REPLY_PHRASES)}${rng.bool(0.3) ? rng.pick(EMOJI_CODES) : ""}`;
}

/** Text as `share_info.content` shows it: topic markers removed, emoji codes kept. */
export function stripTopicMarkers(desc: string): string {
  return desc.replace(/#([^#\n]+?)\[话题\]#/g, "#$1");
}

/** Hashtag names in a body (without markers). */
export function hashtagNames(desc: string): string[] {
  return [...desc.matchAll(/#([^#\n]+?)\[话题\]#/g)].map((m) => m[1] ?? "");
}
