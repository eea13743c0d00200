/**
 * Writes examples/list.csv, the demo's call list: a planner's export with Chinese headers (姓名, 手机, 公司, 职位, 地址,
 * 备注), mostly valid mainland mobiles written in the forms real exports use, plus a share of invalid numbers and of
 * repeated ones. Deterministic: the same seed gives the same bytes.
 *
 *   npx tsx examples/generate-list.ts [rows=2000] [out=examples/list.csv]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Builds the CSV text (CRLF, UTF-8 with BOM as Excel saves "CSV UTF-8"). */
export function generateDemoList(rows: number, seed = 20270301): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const seen: string[] = [];
  const phone = (): string => {
    const r = random();
    if (r < 0.04 && seen.length > 0) return pick(seen); // duplicate
    if (r < 0.07) return pick(['12345', '000-0000', '不详', '', '1380013800', '99999999999']); // invalid
    const mobile = `${pick(MOBILE_PREFIXES)}${digits(8)}`;
    seen.push(mobile);
    if (r < 0.8) return mobile;
    if (r < 0.88) return `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
    if (r < 0.94) return `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`;
    return `0086${mobile}`;
  };
  const lines = ['姓名,手机,公司,职位,地址,备注'];
  for (let i = 0; i < rows; i++) {
    const name = `${pick(SURNAMES)}${pick(GIVEN)}${random() < 0.5 ? pick(GIVEN) : ''}`;
    const company = `${pick(CITIES)}${pick(BRANDS)}${pick(KINDS)}有限公司`;
    const address = `"上海市${pick(DISTRICTS)}区${pick(ROADS)}路${1 + Math.floor(random() * 300)}号, ${1 + Math.floor(random() * 30)}室"`;
    const note = random() < 0.3 ? pick(NOTES) : '';
    lines.push(`${name},${phone()},${company},${pick(TITLES)},${address},${note}`);
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MOBILE_PREFIXES = ['138', '139', '137', '136', '135', '150', '151', '158', '186', '187', '188', '177', '199'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超'];
const CITIES = ['上海', '苏州', '杭州', '南京', '无锡'];
const BRANDS = ['华信', '宏达', '鑫源', '恒通', '博远', '天成', '中科', '瑞丰', '金桥', '新润'];
const KINDS = ['科技', '贸易', '建设', '物流', '咨询', '置业', '电子', '餐饮'];
const DISTRICTS = ['浦东新', '徐汇', '长宁', '静安', '普陀', '虹口', '杨浦', '闵行', '宝山', '嘉定'];
const ROADS = ['建国', '中山', '人民', '解放', '长安', '南京', '和平', '新华', '文化', '科技'];
const TITLES = ['总经理', '采购经理', '行政主管', '项目经理', '财务总监', '销售主管', '店长', '工程师', '家庭用户'];
const NOTES = ['老客户回访', '有意向，下周再联系', '已发资料', '需求不明确', '重点跟进', '上午不方便接听'];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = Number(process.argv[2] ?? 2000);
  const out = process.argv[3] ?? fileURLToPath(new URL('./list.csv', import.meta.url));
  writeFileSync(out, generateDemoList(rows));
  console.log(`wrote ${rows} rows to ${out}`);
}
