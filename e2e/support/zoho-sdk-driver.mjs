// Drives Zoho's official Node SDK (@zoho-corp/office-integrator-sdk, unchanged) for the
// e2e tests. The SDK is an ES module with one global initialisation (base URL, apikey),
// so it runs here, in a process of its own per apikey, rather than inside Jest.
//
//   node zoho-sdk-driver.mjs <base url> <apikey>
//
// One JSON request per line on stdin: {"id": 1, "op": "create", "product": "writer", ...};
// one JSON answer per line on stdout: {"id": 1, "statusCode": 200, "object": {...}} or
// {"id": 1, "thrown": "..."}. An object is its class name and its fields, as the SDK
// parsed them; 64-bit integers (the SDK's Long) come as {"$long": "<digits>"}.
import * as SDK from '@zoho-corp/office-integrator-sdk';
import { createInterface } from 'node:readline';

const [baseUrl, apikey] = process.argv.slice(2);

// The builder's constructor answers a promise of the builder.
const builder = await new SDK.InitializeBuilder();
await builder
  .environment(new SDK.ApiServer.Production(baseUrl))
  .tokens([
    new SDK.AuthBuilder()
      .addParam('apikey', apikey)
      .authenticationSchema(await new SDK.V1.Authentication().getTokenFlow())
      .build(),
  ])
  .logger(new SDK.LogBuilder().level(SDK.Levels.OFF).build())
  .initialize();

const V1 = SDK.V1;
const ops = new V1.V1Operations();

const CREATE = {
  writer: [V1.CreateDocumentParameters, (p) => ops.createDocument(p)],
  sheet: [V1.CreateSheetParameters, (p) => ops.createSheet(p)],
  show: [V1.CreatePresentationParameters, (p) => ops.createPresentation(p)],
};
const PREVIEW = {
  writer: [V1.PreviewParameters, (p) => ops.createDocumentPreview(p)],
  sheet: [V1.SheetPreviewParameters, (p) => ops.createSheetPreview(p)],
  show: [V1.PresentationPreviewParameters, (p) => ops.createPresentationPreview(p)],
};
const GET_SESSION = { writer: 'getSession', sheet: 'getSheetSession', show: 'getPresentationSession' };
const DELETE_SESSION = { writer: 'deleteSession', sheet: 'deleteSheetSession', show: 'deletePresentationSession' };
const DELETE_DOCUMENT = { writer: 'deleteDocument', sheet: 'deleteSheet', show: 'deletePresentation' };

/** The parameters' common parts, set through the SDK's own classes and setters. */
async function fill(params, r) {
  if (r.file) params.setDocument(new SDK.StreamWrapper(null, null, r.file));
  if (r.url) params.setUrl(r.url);
  if (r.documentInfo) {
    const info = r.product === 'writer' && r.op === 'preview' ? new V1.PreviewDocumentInfo() : new V1.DocumentInfo();
    if (r.documentInfo.documentId) info.setDocumentId(r.documentInfo.documentId);
    if (r.documentInfo.documentName) info.setDocumentName(r.documentInfo.documentName);
    await params.setDocumentInfo(info);
  }
  if (r.userInfo) {
    const user = r.product === 'sheet' ? new V1.SheetUserSettings() : new V1.UserInfo();
    if (r.userInfo.userId && user.setUserId) user.setUserId(r.userInfo.userId);
    if (r.userInfo.displayName) user.setDisplayName(r.userInfo.displayName);
    params.setUserInfo(user);
  }
  if (r.permissions) params.setPermissions(new Map(Object.entries(r.permissions)));
  if (r.callbackSettings) {
    const callback = r.product === 'sheet' ? new V1.SheetCallbackSettings() : new V1.CallbackSettings();
    const c = r.callbackSettings;
    callback.setSaveUrl(c.saveUrl);
    if (c.saveFormat) callback.setSaveFormat(c.saveFormat);
    if (c.retries !== undefined) callback.setRetries(c.retries);
    if (c.timeout !== undefined) callback.setTimeout(c.timeout);
    if (c.httpMethodType) callback.setHttpMethodType(c.httpMethodType);
    if (c.saveUrlHeaders) callback.setSaveUrlHeaders(new Map(Object.entries(c.saveUrlHeaders)));
    params.setCallbackSettings(callback);
  }
  if (r.editorSettings) {
    const editor = new V1.EditorSettings();
    editor.setUnit(r.editorSettings.unit);
    editor.setLanguage(r.editorSettings.language);
    editor.setView(r.editorSettings.view);
    params.setEditorSettings(editor);
  }
  if (r.uiOptions) {
    const ui = new V1.UiOptions();
    ui.setDarkMode(r.uiOptions.darkMode);
    ui.setSaveButton(r.uiOptions.saveButton);
    params.setUiOptions(ui);
  }
  if (r.documentDefaults) {
    const defaults = new V1.DocumentDefaults();
    defaults.setFontName(r.documentDefaults.fontName);
    defaults.setFontSize(r.documentDefaults.fontSize);
    params.setDocumentDefaults(defaults);
  }
  return params;
}

async function run(r) {
  switch (r.op) {
    case 'create':
    case 'preview': {
      const [Parameters, call] = (r.op === 'create' ? CREATE : PREVIEW)[r.product];
      return call(await fill(new Parameters(), r));
    }
    case 'getSession':
      return ops[GET_SESSION[r.product]](r.target);
    case 'deleteSession':
      return ops[DELETE_SESSION[r.product]](r.target);
    case 'deleteDocument':
      return ops[DELETE_DOCUMENT[r.product]](r.target);
    case 'getDocumentInfo':
      return ops.getDocumentInfo(r.target);
    case 'getAllSessions':
      return ops.getAllSessions(r.target);
    case 'getPlanDetails':
      return ops.getPlanDetails();
    default:
      throw new Error(`unknown op ${r.op}`);
  }
}

/** An SDK object as plain JSON: its class, and the fields the SDK set from the answer. */
function plain(value) {
  if (typeof value === 'bigint') return { $long: value.toString() };
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const fields = Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== 'keyModified' && v !== undefined && v !== null)
        .map(([key, v]) => [key, plain(v)]),
    );
    return { class: value.constructor.name, ...fields };
  }
  return value;
}

for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  let answer;
  try {
    const response = await run(request);
    answer = { id: request.id, statusCode: response.getStatusCode(), object: plain(response.getObject()) };
  } catch (err) {
    answer = { id: request.id, thrown: String(err?.stack ?? err?.message ?? err) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
