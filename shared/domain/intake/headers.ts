import { ListFileError } from '#shared/domain/intake/errors';

/**
 * Column headers planners actually use, Chinese and English, per contact field. Matching is done on a normalised form
 * (see `normaliseHeader`): NFKC, lower case, no spaces/underscores/dashes, no trailing "(必填)"-style remark.
 * Order matters for `phone`: when a sheet has several phone columns the first alias in this list that is present
 * wins (a mobile column is preferred to a landline one); the others are kept as attributes.
 */
export const HEADER_ALIASES = {
  phone: [
    '手机',
    '手机号',
    '手机号码',
    '移动电话',
    'mobile',
    'mobilephone',
    'cell',
    'cellphone',
    '电话',
    '电话号码',
    '联系电话',
    '联系方式',
    '号码',
    '固话',
    'phone',
    'phonenumber',
    'tel',
    'telephone',
  ],
  name: ['姓名', '名字', '客户姓名', '联系人', '客户', 'name', 'fullname', 'contact', 'contactname', 'customername'],
  company: [
    '公司',
    '公司名称',
    '单位',
    '单位名称',
    '企业',
    '企业名称',
    'company',
    'companyname',
    'organization',
    'org',
  ],
  title: ['职位', '职务', '岗位', 'title', 'position', 'jobtitle'],
  address: ['地址', '项目地址', '联系地址', '详细地址', '住址', 'address'],
  city: ['城市', '所在城市', '市', 'city'],
  note: ['备注', '说明', '附注', 'note', 'notes', 'remark', 'remarks', 'comment', 'comments'],
  province: ['省', '省份', 'province', 'state'],
  district: ['区', '区县', '地区', 'district', 'region'],
  email: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail', 'mail'],
  gender: ['性别', 'gender', 'sex'],
  industry: ['行业', 'industry'],
  customerId: ['客户编号', '客户id', '编号', 'customerid', 'id'],
  source: ['来源', '数据来源', 'source'],
} as const satisfies Record<string, readonly string[]>;

export type ContactField = keyof typeof HEADER_ALIASES;

/** Keys of the named contact attributes besides the phone; extra columns get their own keys. */
export const ATTRIBUTE_FIELDS = Object.keys(HEADER_ALIASES).filter((f) => f !== 'phone') as Exclude<
  ContactField,
  'phone'
>[];

/** The phone column names a file may use, for the error message of a file that has none. */
export const ACCEPTED_PHONE_HEADERS: readonly string[] = HEADER_ALIASES.phone;

const ALIAS_TO_FIELD = new Map<string, ContactField>();
for (const [field, aliases] of Object.entries(HEADER_ALIASES) as [ContactField, readonly string[]][]) {
  for (const alias of aliases) ALIAS_TO_FIELD.set(normaliseHeader(alias), field);
}

/** Normalises a header cell so that "手机号码（必填）", " Phone Number " and "phone_number" compare equal. */
export function normaliseHeader(cell: string): string {
  return cell
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(/[(（[【].*?[)）\]】]\s*$/u, '')
    .replace(/[*:：\s_\-.]/gu, '')
    .toLowerCase();
}

/** One column the layout keeps as a contact attribute. */
export interface AttributeColumn {
  index: number;
  /** Amazon Connect attribute key: `[a-zA-Z0-9_-]`, unique in the layout. */
  key: string;
}

/** Where each field sits in the rows of one file. */
export interface HeaderLayout {
  phoneIndex: number;
  /** Known fields first, then unknown columns; empty header cells are dropped. */
  attributes: AttributeColumn[];
  /** Attribute key → the header text as written in the file, so reports can show `col_3` as "客户等级". */
  headerMap: Record<string, string>;
  /** Number of header cells: a data row with more non-empty cells than this is malformed. */
  width: number;
}

const SAFE_KEY = /^[a-zA-Z0-9_-]+$/;

/**
 * Reads a header row. Returns undefined when no cell names a phone column (the caller may try the next row: planners
 * often put a title row above the header).
 *
 * Unknown columns keep their data under a key Amazon Connect accepts: an ASCII header is made safe by replacing every
 * other character with `_` ("Order No." → `Order_No`); a header with any non-ASCII letter (Chinese) becomes
 * `col_<n>` (n = 1-based column position), because transliteration would need a pinyin dictionary and still collide
 * on homophones. `headerMap` keeps the original text for every key.
 */
export function resolveHeader(cells: readonly string[]): HeaderLayout | undefined {
  const fieldAt = new Map<ContactField, number>();
  let phoneIndex = -1;
  let phoneRank = Number.POSITIVE_INFINITY;
  const normalised = cells.map(normaliseHeader);
  normalised.forEach((n, i) => {
    const field = ALIAS_TO_FIELD.get(n);
    if (field === 'phone') {
      const rank = HEADER_ALIASES.phone.findIndex((a) => normaliseHeader(a) === n);
      if (rank < phoneRank) {
        phoneRank = rank;
        phoneIndex = i;
      }
    } else if (field !== undefined && !fieldAt.has(field)) {
      fieldAt.set(field, i);
    }
  });
  if (phoneIndex < 0) return undefined;

  const attributes: AttributeColumn[] = [];
  const headerMap: Record<string, string> = {};
  const used = new Set<string>();
  const claim = (index: number, wanted: string) => {
    let key = wanted;
    for (let n = 2; used.has(key); n++) key = `${wanted}_${n}`;
    used.add(key);
    attributes.push({ index, key });
    headerMap[key] = (cells[index] ?? '').trim();
  };
  for (const field of ATTRIBUTE_FIELDS) {
    const index = fieldAt.get(field);
    if (index !== undefined) claim(index, field);
  }
  const taken = new Set([phoneIndex, ...fieldAt.values()]);
  cells.forEach((cell, index) => {
    const text = cell.trim().replace(/^\uFEFF/, '');
    if (taken.has(index) || text === '') return;
    claim(index, safeKey(text, index));
  });
  return { phoneIndex, attributes, headerMap, width: cells.length };
}

/** Like `resolveHeader`, but a file without a phone column fails with the list of accepted names. */
export function requireHeader(cells: readonly string[]): HeaderLayout {
  const layout = resolveHeader(cells);
  if (!layout) throw noPhoneColumn();
  return layout;
}

export function noPhoneColumn(): ListFileError {
  return new ListFileError(
    'no_phone_column',
    `no phone column found; name one of the columns ${ACCEPTED_PHONE_HEADERS.join(', ')}`,
  );
}

function safeKey(header: string, index: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: any non-ASCII character sends the header to col_<n>
  if (/[^\x00-\x7F]/.test(header)) return `col_${index + 1}`;
  const key = header
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return SAFE_KEY.test(key) ? key : `col_${index + 1}`;
}
