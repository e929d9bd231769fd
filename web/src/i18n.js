// The UI's words in Simplified Chinese (complete, the default) and English.
// Texts from the daemon (triage reasons, guidance) come in both languages.

const zh = {
  brand: '心援',
  dashboard: '指挥中心',
  field: '现场',
  switchLang: 'English',
  node: (s) => `${s.role === 'agent' ? '现场终端' : '协调中心'} ${s.name} · 事件记录 ${s.events} 条`,
  levels: '分级人数',
  immediate: '立即',
  high_risk: '高风险',
  low_risk: '低风险',
  untriaged: '未分级',
  sites: '各安置点人数',
  site: '安置点',
  incident: '事件',
  persons: '人数',
  openFlags: '未确认的红色警示',
  noOpenFlags: '没有未确认的红色警示',
  flag: '红色警示',
  overdue: '超时未确认，已上报',
  person: '人员',
  reason: '原因',
  raised: '发出时间',
  ackBy: '负责人姓名',
  ackAction: '已采取的行动',
  ack: '确认并负责',
  acked: (by, action) => `已由 ${by} 确认${action ? `：${action}` : ''}`,
  open: '未确认',
  incidents: '事件',
  title: '名称',
  hazard: '灾种',
  respLevel: '响应级别',
  exercise: '演练',
  none: '暂无',
  sync: '同步状态',
  syncStates: { active: '已连接', idle: '未连接（离线工作）', 'hello sent': '正在连接', refused: '被拒绝' },
  backlog: (n) => `待发送 ${n} 条`,
  offline: '离线（未加入协调中心）',
  register: '登记人员',
  ageBand: '年龄段',
  sex: '性别',
  sexes: { '': '未说明', female: '女', male: '男', other: '其他' },
  vulnerability: '脆弱因素',
  vulns: {
    child: '儿童', older_adult: '老年人', perinatal: '围产期', disability: '残障',
    bereaved: '丧亲', mental_illness: '精神疾病', prior_trauma: '既往创伤',
  },
  registerBtn: '登记',
  registered: (id) => `已登记，编号 ${id}`,
  screen: '筛查与分级',
  instrument: '量表',
  item: (n) => `第 ${n} 题`,
  answers: {
    'PHQ-9': ['完全不会', '好几天', '一半以上的天数', '几乎每天'],
    'C-SSRS': ['否', '是', '是（近3个月内）'],
  },
  cssrsItem6: ['否', '是，但不在近3个月内', '是，近3个月内'],
  notAsked: '（第2题为“否”时不问）',
  triageBtn: '记录分级',
  level: '分级',
  why: '原因',
  doNow: '现在要做',
  redFlag: '已发出红色警示：优先发送，指挥中心必须确认',
  myFlags: '本终端的红色警示',
  choosePerson: '先登记一名人员',
  error: (e) => `出错：${e.message}${e.field ? `（${e.field}）` : ''}`,
  exerciseMark: '演练 EXERCISE',
};

const en = {
  brand: 'Xinyuan',
  dashboard: 'Command center',
  field: 'Field',
  switchLang: '中文',
  node: (s) => `${s.role === 'agent' ? 'Field agent' : 'Coordinator'} ${s.name} · ${s.events} events`,
  levels: 'People by triage level',
  immediate: 'Immediate',
  high_risk: 'High risk',
  low_risk: 'Low risk',
  untriaged: 'Not triaged',
  sites: 'People by site',
  site: 'Site',
  incident: 'Incident',
  persons: 'People',
  openFlags: 'Open red flags',
  noOpenFlags: 'No open red flags',
  flag: 'Red flag',
  overdue: 'Overdue: escalated',
  person: 'Person',
  reason: 'Reason',
  raised: 'Raised',
  ackBy: 'Your name',
  ackAction: 'Action taken',
  ack: 'Acknowledge',
  acked: (by, action) => `Acknowledged by ${by}${action ? `: ${action}` : ''}`,
  open: 'Open',
  incidents: 'Incidents',
  title: 'Title',
  hazard: 'Hazard',
  respLevel: 'Response level',
  exercise: 'Exercise',
  none: 'None yet',
  sync: 'Sync',
  syncStates: { active: 'connected', idle: 'not connected (working offline)', 'hello sent': 'connecting', refused: 'refused' },
  backlog: (n) => `${n} to send`,
  offline: 'offline (not joined to a coordinator)',
  register: 'Register a person',
  ageBand: 'Age band',
  sex: 'Sex',
  sexes: { '': 'not said', female: 'female', male: 'male', other: 'other' },
  vulnerability: 'Vulnerability',
  vulns: {
    child: 'child', older_adult: 'older adult', perinatal: 'perinatal', disability: 'disability',
    bereaved: 'bereaved', mental_illness: 'mental illness', prior_trauma: 'prior trauma',
  },
  registerBtn: 'Register',
  registered: (id) => `Registered as ${id}`,
  screen: 'Screen and triage',
  instrument: 'Instrument',
  item: (n) => `Item ${n}`,
  answers: {
    'PHQ-9': ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'],
    'C-SSRS': ['No', 'Yes', 'Yes (past 3 months)'],
  },
  cssrsItem6: ['No', 'Yes, not in the past 3 months', 'Yes, in the past 3 months'],
  notAsked: '(not asked when item 2 is "no")',
  triageBtn: 'Record triage',
  level: 'Level',
  why: 'Why',
  doNow: 'Do now',
  redFlag: 'Red flag raised: sent first; the command center must acknowledge it',
  myFlags: 'Red flags from this laptop',
  choosePerson: 'Register a person first',
  error: (e) => `Error: ${e.message}${e.field ? ` (${e.field})` : ''}`,
  exerciseMark: 'EXERCISE 演练',
};

const tables = { zh, en };
let lang = localStorage.getItem('xy-lang') === 'en' ? 'en' : 'zh';

export function t(key, ...args) {
  const v = tables[lang][key] ?? zh[key] ?? key;
  return typeof v === 'function' ? v(...args) : v;
}

export function currentLang() {
  return lang;
}

export function toggleLang() {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('xy-lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

// Escapes text for HTML.
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) =>
    ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

export function levelName(level) {
  return t(String(level || 'untriaged').toLowerCase());
}
