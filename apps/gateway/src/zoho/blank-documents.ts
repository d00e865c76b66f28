import { storedZip } from './stored-zip';

/** The OOXML formats a blank document can be made in: Writer's, Sheet's and Show's. */
export type BlankFormat = 'docx' | 'xlsx' | 'pptx';

export const CONTENT_TYPE_OF: Record<BlankFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS = {
  types: 'http://schemas.openxmlformats.org/package/2006/content-types',
  rels: 'http://schemas.openxmlformats.org/package/2006/relationships',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  w: 'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  s: 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
  p: 'http://schemas.openxmlformats.org/presentationml/2006/main',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
};
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PART = 'application/vnd.openxmlformats-officedocument';

const contentTypes = (overrides: Record<string, string>) =>
  `${XML}<Types xmlns="${NS.types}">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  Object.entries(overrides)
    .map(([part, type]) => `<Override PartName="/${part}" ContentType="${PART}.${type}"/>`)
    .join('') +
  '</Types>';

const relationships = (rels: [id: string, type: string, target: string][]) =>
  `${XML}<Relationships xmlns="${NS.rels}">` +
  rels.map(([id, type, target]) => `<Relationship Id="${id}" Type="${REL}/${type}" Target="${target}"/>`).join('') +
  '</Relationships>';

const docx = () =>
  storedZip([
    {
      name: '[Content_Types].xml',
      content: contentTypes({ 'word/document.xml': 'wordprocessingml.document.main+xml' }),
    },
    { name: '_rels/.rels', content: relationships([['rId1', 'officeDocument', 'word/document.xml']]) },
    { name: 'word/document.xml', content: `${XML}<w:document xmlns:w="${NS.w}"><w:body><w:p/></w:body></w:document>` },
  ]);

const xlsx = () =>
  storedZip([
    {
      name: '[Content_Types].xml',
      content: contentTypes({
        'xl/workbook.xml': 'spreadsheetml.sheet.main+xml',
        'xl/worksheets/sheet1.xml': 'spreadsheetml.worksheet+xml',
      }),
    },
    { name: '_rels/.rels', content: relationships([['rId1', 'officeDocument', 'xl/workbook.xml']]) },
    {
      name: 'xl/workbook.xml',
      content: `${XML}<workbook xmlns="${NS.s}" xmlns:r="${NS.r}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    { name: 'xl/_rels/workbook.xml.rels', content: relationships([['rId1', 'worksheet', 'worksheets/sheet1.xml']]) },
    { name: 'xl/worksheets/sheet1.xml', content: `${XML}<worksheet xmlns="${NS.s}"><sheetData/></worksheet>` },
  ]);

// A presentation needs a slide master, a layout and a theme to open, even with no slides.
const solid = (color: string) => `<a:solidFill><a:srgbClr val="${color}"/></a:solidFill>`;
const THEME =
  `${XML}<a:theme xmlns:a="${NS.a}" name="Office"><a:themeElements>` +
  '<a:clrScheme name="Office">' +
  '<a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>' +
  '<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>' +
  ['4472C4', 'ED7D31', 'A5A5A5', 'FFC000', '5B9BD5', '70AD47']
    .map((c, i) => `<a:accent${i + 1}><a:srgbClr val="${c}"/></a:accent${i + 1}>`)
    .join('') +
  '<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink></a:clrScheme>' +
  '<a:fontScheme name="Office">' +
  '<a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>' +
  '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>' +
  '<a:fmtScheme name="Office">' +
  `<a:fillStyleLst>${solid('FFFFFF').repeat(3)}</a:fillStyleLst>` +
  `<a:lnStyleLst>${`<a:ln w="6350">${solid('000000')}</a:ln>`.repeat(3)}</a:lnStyleLst>` +
  `<a:effectStyleLst>${'<a:effectStyle><a:effectLst/></a:effectStyle>'.repeat(3)}</a:effectStyleLst>` +
  `<a:bgFillStyleLst>${solid('FFFFFF').repeat(3)}</a:bgFillStyleLst>` +
  '</a:fmtScheme></a:themeElements></a:theme>';
const EMPTY_TREE =
  '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>' +
  '<p:grpSpPr/></p:spTree></p:cSld>';
const PRESENTATION_NS = `xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}"`;

const pptx = () =>
  storedZip([
    {
      name: '[Content_Types].xml',
      content: contentTypes({
        'ppt/presentation.xml': 'presentationml.presentation.main+xml',
        'ppt/slideMasters/slideMaster1.xml': 'presentationml.slideMaster+xml',
        'ppt/slideLayouts/slideLayout1.xml': 'presentationml.slideLayout+xml',
        'ppt/theme/theme1.xml': 'theme+xml',
      }),
    },
    { name: '_rels/.rels', content: relationships([['rId1', 'officeDocument', 'ppt/presentation.xml']]) },
    {
      name: 'ppt/presentation.xml',
      content:
        `${XML}<p:presentation ${PRESENTATION_NS}>` +
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>' +
        '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
    },
    {
      name: 'ppt/_rels/presentation.xml.rels',
      content: relationships([
        ['rId1', 'slideMaster', 'slideMasters/slideMaster1.xml'],
        ['rId2', 'theme', 'theme/theme1.xml'],
      ]),
    },
    {
      name: 'ppt/slideMasters/slideMaster1.xml',
      content:
        `${XML}<p:sldMaster ${PRESENTATION_NS}>${EMPTY_TREE}` +
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" ' +
        'accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>' +
        '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>',
    },
    {
      name: 'ppt/slideMasters/_rels/slideMaster1.xml.rels',
      content: relationships([
        ['rId1', 'slideLayout', '../slideLayouts/slideLayout1.xml'],
        ['rId2', 'theme', '../theme/theme1.xml'],
      ]),
    },
    {
      name: 'ppt/slideLayouts/slideLayout1.xml',
      content: `${XML}<p:sldLayout ${PRESENTATION_NS} type="blank">${EMPTY_TREE}<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`,
    },
    {
      name: 'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
      content: relationships([['rId1', 'slideMaster', '../slideMasters/slideMaster1.xml']]),
    },
    { name: 'ppt/theme/theme1.xml', content: THEME },
  ]);

const MAKERS: Record<BlankFormat, () => Buffer> = { docx, xlsx, pptx };
const made = new Map<BlankFormat, Buffer>();

/** A new, empty document of the format: generated (once per process), never downloaded. */
export function blankDocument(format: BlankFormat): Buffer {
  let bytes = made.get(format);
  if (!bytes) made.set(format, (bytes = MAKERS[format]()));
  return bytes;
}
