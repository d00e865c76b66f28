import { generateKeyPairSync } from 'node:crypto';
import { editorUrl, parseDiscovery, stripPlaceholders } from './discovery-xml';

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = publicKey.export({ format: 'jwk' });
const modulus = Buffer.from(jwk.n!, 'base64url').toString('base64');
const exponent = Buffer.from(jwk.e!, 'base64url').toString('base64');

/** Shaped like Collabora Online's /hosting/discovery. */
const collabora = `<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery>
  <net-zone name="external-http">
    <app name="writer" favIconUrl="http://localhost:9980/browser/1/images/x-office-document.svg">
      <action default="true" ext="odt" name="edit" urlsrc="http://localhost:9980/browser/1/cool.html?"/>
      <action ext="docx" name="edit" urlsrc="http://localhost:9980/browser/1/cool.html?"/>
    </app>
    <app name="application/pdf"><action ext="pdf" name="view" urlsrc="http://localhost:9980/browser/1/cool.html?"/></app>
    <app name="Capabilities"><action ext="" name="getinfo" urlsrc="http://localhost:9980/hosting/capabilities"/></app>
  </net-zone>
  <proof-key exponent="${exponent}" modulus="${modulus}" oldexponent="${exponent}" oldmodulus="${modulus}" value="x"/>
</wopi-discovery>`;

/** Shaped like ONLYOFFICE Docs' discovery, with Microsoft-style placeholders. */
const onlyoffice = `<?xml version="1.0" encoding="utf-8"?>
<wopi-discovery>
  <net-zone name="internal-http">
    <app name="Word"><action name="edit" ext="docx" urlsrc="http://internal/hosting/wopi/word/edit?"/></app>
  </net-zone>
  <net-zone name="external-http">
    <app name="Word">
      <action name="view" ext="DOCX" urlsrc="http://docs.example/hosting/wopi/word/view?&amp;&lt;rs=DC_LLCC&amp;&gt;&lt;dchat=DISABLE_CHAT&amp;&gt;"/>
      <action name="edit" ext="docx" requires="locks,update" urlsrc="http://docs.example/hosting/wopi/word/edit?&amp;&lt;rs=DC_LLCC&amp;&gt;&lt;ui=UI_LLCC&amp;&gt;"/>
      <action name="embedview" ext="docx" urlsrc="http://docs.example/embed?"/>
    </app>
  </net-zone>
</wopi-discovery>`;

describe('parseDiscovery', () => {
  it("maps extensions to the edit and view actions' urlsrc, and reads the proof keys", () => {
    const d = parseDiscovery(collabora);
    expect(d.actions.get('docx')).toEqual({ edit: 'http://localhost:9980/browser/1/cool.html?' });
    expect(d.actions.get('pdf')).toEqual({ view: 'http://localhost:9980/browser/1/cool.html?' });
    expect(d.actions.has('')).toBe(false);
    expect(d.proofKeys?.current.asymmetricKeyType).toBe('rsa');
    expect(d.proofKeys?.old).not.toBeNull();
  });

  it('prefers the external zone, lower-cases extensions and strips <...> placeholders', () => {
    const d = parseDiscovery(onlyoffice);
    expect(d.actions.get('docx')).toEqual({
      view: 'http://docs.example/hosting/wopi/word/view?&',
      edit: 'http://docs.example/hosting/wopi/word/edit?&',
    });
    expect(d.proofKeys).toBeNull();
  });

  it('refuses what is not a discovery document', () => {
    expect(() => parseDiscovery('<html><body>502 Bad Gateway</body></html>')).toThrow();
    expect(() => parseDiscovery('not xml at all')).toThrow();
  });
});

describe('editorUrl', () => {
  const src = 'http://gw:3000/wopi/files/0b1e';
  it('appends WOPISrc URL-encoded, joining with what urlsrc ends in', () => {
    expect(editorUrl('http://e/cool.html?', src)).toBe(
      'http://e/cool.html?WOPISrc=http%3A%2F%2Fgw%3A3000%2Fwopi%2Ffiles%2F0b1e',
    );
    expect(editorUrl('http://e/edit?&', src)).toMatch(/^http:\/\/e\/edit\?&WOPISrc=/);
    expect(editorUrl('http://e/edit?a=1', src, { closebutton: '1' })).toBe(
      'http://e/edit?a=1&WOPISrc=http%3A%2F%2Fgw%3A3000%2Fwopi%2Ffiles%2F0b1e&closebutton=1',
    );
    expect(editorUrl('http://e/edit', src)).toMatch(/^http:\/\/e\/edit\?WOPISrc=/);
    expect(stripPlaceholders('x?<a=B&><c=D&>e=1')).toBe('x?e=1');
  });
});
