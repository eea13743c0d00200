import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a synthetic call list shaped like a planner's export: Chinese headers and text, quoted fields with commas
 * and line breaks, CRLF, and a realistic mix of phone forms (plain mobiles, +86/0086, separators, full-width digits,
 * landlines, junk, scientific notation, empty cells and repeated numbers). Deterministic for a given seed.
 */
export async function generateList(path: string, rows: number, seed = 42): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const digits = (n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(random() * 10);
    return s;
  };
  const recent: string[] = [];
  const phone = (): string => {
    const r = random();
    const mobile = `${pick(MOBILE_PREFIXES)}${digits(8)}`;
    if (r < 0.03 && recent.length > 0) return pick(recent);
    if (r < 0.8) {
      if (recent.length < 1000) recent.push(mobile);
      else recent[Math.floor(random() * 1000)] = mobile;
      return mobile;
    }
    if (r < 0.85) return `+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
    if (r < 0.88) return `0086-${mobile}`;
    if (r < 0.9) return toFullWidth(mobile);
    if (r < 0.94) return `${pick(['010', '021', '0755', '020'])}-${pick(['6', '8', '5'])}${digits(7)}`;
    if (r < 0.96) return digits(6);
    if (r < 0.97) return `1.${digits(5)}E+10`;
    if (r < 0.98) return '';
    return `${mobile.slice(0, 3)}-${mobile.slice(3, 7)}-${mobile.slice(7)}`;
  };
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write('姓名,手机,公司,职位,地址,城市,备注\r\n');
  for (let i = 0; i < rows; i++) {
    const name = `${pick(SURNAMES)}${pick(GIVEN)}${random() < 0.5 ? pick(GIVEN) : ''}`;
    const company = `${pick(CITIES)}${pick(BRANDS)}${pick(KINDS)}有限公司`;
    const address = `"${pick(CITIES)}市${pick(DISTRICTS)}区${pick(ROADS)}路${1 + Math.floor(random() * 300)}号, ${1 + Math.floor(random() * 30)}层"`;
    const note = random() < 0.1 ? `"${pick(NOTES)}\n${pick(NOTES)}"` : random() < 0.5 ? pick(NOTES) : '';
    await write(`${name},${phone()},${company},${pick(TITLES)},${address},${pick(CITIES)},${note}\r\n`);
  }
  out.end();
  await once(out, 'finish');
  await rename(partial, path);
}

/** Generates the list unless a file of that name exists already (the benchmark reuses it between runs). */
export async function ensureList(path: string, rows: number): Promise<string> {
  try {
    await stat(path);
  } catch {
    await generateList(path, rows);
  }
  return path;
}

function toFullWidth(text: string): string {
  return text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
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

const MOBILE_PREFIXES = [
  '138',
  '139',
  '137',
  '136',
  '135',
  '150',
  '151',
  '158',
  '186',
  '187',
  '188',
  '177',
  '199',
  '166',
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超'];
const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '南京', '西安', '重庆', '苏州', '天津'];
const BRANDS = ['华信', '宏达', '鑫源', '恒通', '博远', '天成', '中科', '瑞丰', '金桥', '新润'];
const KINDS = ['科技', '贸易', '建设', '物流', '咨询', '置业', '电子', '餐饮'];
const DISTRICTS = ['朝阳', '海淀', '浦东', '天河', '南山', '西湖', '武侯', '江汉', '鼓楼', '雁塔'];
const ROADS = ['建国', '中山', '人民', '解放', '长安', '南京', '和平', '新华', '文化', '科技'];
const TITLES = ['总经理', '采购经理', '行政主管', '项目经理', '财务总监', '销售主管', '店长', '工程师', '董事长'];
const NOTES = ['老客户回访', '有意向，下周再联系', '已发资料', '需求不明确', '重点跟进', '上午不方便接听'];
