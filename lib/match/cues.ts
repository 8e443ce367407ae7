/**
 * Context cues the detector needs besides the dataset's terms (build side only; they reach the
 * content script inside the compiled detector).
 *
 * A generic phrase ("police station", "Polizeistation", "警察站") is evidence of the story only
 * next to something that makes it foreign-run: in most languages a word for China/Chinese/Beijing;
 * in Chinese text, where 中国 is everywhere, a word for "overseas/abroad" instead.
 * These are words for one concept in each dataset language, not phrases from any evaluation set.
 */
import type { Lang } from '../dataset/schema';

/** Words meaning China / Chinese / Beijing / the Chinese party-state, per language (inflections via suffix sets). */
export const CHINA_CUES: Partial<Record<Lang, string[]>> = {
  en: ['China', 'Chinese', 'Beijing', 'PRC', 'CCP', 'CPC', 'Sino'],
  'zh-Hans': ['中国', '中共', '北京'],
  'zh-Hant': ['中國', '中共', '北京'],
  ja: ['中国', '中共', '北京', '中華人民共和国'],
  ko: ['중국', '중공', '베이징'],
  es: ['China', 'chino', 'chinos', 'chinas', 'Pekín'],
  it: ['Cina', 'cinese', 'cinesi', 'Pechino'],
  fr: ['Chine', 'chinois', 'chinoise', 'chinoises', 'Pékin'],
  nl: ['China', 'Chinees', 'Chinese', 'Peking'],
  de: ['China', 'chinesisch', 'Chinesen', 'Peking'],
  pt: ['China', 'chinês', 'chinesa', 'chineses', 'chinesas', 'Pequim'],
  sv: ['Kina', 'kinesisk', 'kinesiska', 'kinesiske', 'Peking'],
  da: ['Kina', 'kinesisk', 'kinesiske'],
  no: ['Kina', 'kinesisk', 'kinesiske'],
  fi: ['Kiina', 'kiinalai', 'Peking'],
  cs: ['Čína', 'Číny', 'Číně', 'čínsk', 'Peking'],
  sk: ['Čína', 'Číny', 'Číne', 'čínsk'],
  pl: ['Chiny', 'Chin', 'Chinach', 'chińsk', 'Pekin'],
  sl: ['Kitajsk', 'Peking'],
  hr: ['Kina', 'Kine', 'Kini', 'kinesk', 'Peking'],
  sr: ['Kina', 'Kine', 'Kini', 'kinesk', 'Кина', 'Кине', 'кинеск'],
  ro: ['China', 'Chinei', 'chinez', 'chineză', 'chineze', 'chinezesc', 'Beijing'],
  hu: ['Kína', 'kínai', 'Peking'],
  et: ['Hiina', 'Peking'],
  el: ['Κίνα', 'Κίνας', 'κινεζ', 'Πεκίνο'],
  ru: ['Китай', 'Китая', 'Китае', 'китайск', 'Пекин'],
  uk: ['Китай', 'Китаю', 'китайськ', 'Пекін'],
  bg: ['Китай', 'китайск', 'Пекин'],
  tr: ['Çin', 'Çinli', 'Pekin'],
  he: ['סין', 'סיני', 'סינית', 'סינים', 'סיניות', 'בסין', 'מסין', 'לסין', 'הסיני', 'הסינית', 'הסינים', 'בייג\'ינג'],
  ar: ['الصين', 'صيني', 'صينية', 'الصينية', 'الصيني', 'بكين'],
  id: ['China', 'Tiongkok', 'Cina', 'Beijing'],
  sw: ['China', 'Uchina', 'Wachina', 'Kichina'],
  th: ['จีน'],
  vi: ['Trung Quốc', 'Bắc Kinh'],
};

/** Words meaning overseas / abroad / diaspora in Chinese: the foreign-run cue for Chinese text. */
export const ABROAD_CUES_ZH = ['海外', '境外', '国外', '外国', '侨', '僑', '異國', '异国'];
