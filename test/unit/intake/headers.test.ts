import { describe, expect, it } from 'vitest';
import { ListFileError } from '#shared/domain/intake/errors';
import { requireHeader, resolveHeader } from '#shared/domain/intake/headers';

describe('resolveHeader', () => {
  it('maps Chinese aliases to contact fields', () => {
    const layout = resolveHeader(['姓名', '手机号码', '公司名称', '职位', '项目地址', '城市', '备注']);
    expect(layout?.phoneIndex).toBe(1);
    expect(layout?.attributes).toEqual([
      { index: 0, key: 'name' },
      { index: 2, key: 'company' },
      { index: 3, key: 'title' },
      { index: 4, key: 'address' },
      { index: 5, key: 'city' },
      { index: 6, key: 'note' },
    ]);
  });

  it('maps English aliases regardless of case, spacing and remarks in brackets', () => {
    const layout = resolveHeader([' Name ', 'Phone Number', 'COMPANY', 'Position', 'Remark']);
    expect(layout?.phoneIndex).toBe(1);
    expect(layout?.attributes.map((a) => a.key)).toEqual(['name', 'company', 'title', 'note']);
    expect(resolveHeader(['手机号码（必填）'])?.phoneIndex).toBe(0);
    expect(resolveHeader(['Mobile (required)'])?.phoneIndex).toBe(0);
  });

  it('prefers a mobile column to a landline one and keeps the other as an attribute', () => {
    const layout = resolveHeader(['联系电话', '手机']);
    expect(layout?.phoneIndex).toBe(1);
    expect(layout?.attributes).toEqual([{ index: 0, key: 'col_1' }]);
    expect(layout?.headerMap).toEqual({ col_1: '联系电话' });
  });

  it('keeps unknown columns under Amazon Connect-safe keys with the original names in the header map', () => {
    const layout = resolveHeader(['手机', '客户等级', 'Order No.', 'VIP等级', '', 'Order No.']);
    expect(layout?.attributes.map((a) => a.key)).toEqual(['col_2', 'Order_No', 'col_4', 'Order_No_2']);
    expect(layout?.headerMap).toEqual({
      col_2: '客户等级',
      Order_No: 'Order No.',
      col_4: 'VIP等级',
      Order_No_2: 'Order No.',
    });
    for (const a of layout?.attributes ?? []) expect(a.key).toMatch(/^[a-zA-Z0-9_-]+$/);
  });

  it('finds no layout without a phone column, and requireHeader names the accepted columns', () => {
    expect(resolveHeader(['姓名', '公司'])).toBeUndefined();
    expect(() => requireHeader(['姓名', '公司'])).toThrow(ListFileError);
    expect(() => requireHeader(['姓名'])).toThrow(/手机号码.*mobile.*phone.*tel/);
  });
});
