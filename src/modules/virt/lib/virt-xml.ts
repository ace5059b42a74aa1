import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { ModuleFailure } from '../../contract.js';

/**
 * A libvirt XML element as fast-xml-parser gives it here: attributes under '@_NAME', text under
 * '#text', and every child element in an array under its tag name (so repeated elements are uniform).
 */
export interface XmlElement {
  [key: string]: string | XmlElement[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });

/** The root element `rootName` of an XML document (libvirt's <domain>, <network> ...). */
export function parseXml(text: string, rootName: string, what: string): XmlElement {
  let document: XmlElement;
  try {
    document = parser.parse(text, true) as XmlElement;
  } catch (error) {
    throw new ModuleFailure(`${what} is not valid XML: ${(error as Error).message}`);
  }
  const root = children(document, rootName)[0];
  if (!root) throw new ModuleFailure(`${what} has no <${rootName}> element`);
  return root;
}

export function buildXml(rootName: string, root: XmlElement): string {
  return String(builder.build({ [rootName]: [root] }));
}

export function children(element: XmlElement | undefined, tag: string): XmlElement[] {
  const value = element?.[tag];
  return Array.isArray(value) ? value : [];
}

export function child(element: XmlElement | undefined, tag: string): XmlElement | undefined {
  return children(element, tag)[0];
}

export function attribute(element: XmlElement | undefined, name: string): string | undefined {
  const value = element?.[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

export function text(element: XmlElement | undefined): string | undefined {
  const value = element?.['#text'];
  return typeof value === 'string' ? value : undefined;
}

/** A new element with the given attributes (undefined ones left out) and children. */
export function element(attributes: Record<string, string | undefined>, content: Record<string, XmlElement[]> = {}): XmlElement {
  const made: XmlElement = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) made[`@_${name}`] = value;
  return { ...made, ...content };
}

export function textElement(value: string): XmlElement {
  return { '#text': value };
}

function fieldName(path: string, key: string): string {
  if (key.startsWith('@_')) return `${path}@${key.slice(2)}`;
  return path;
}

/**
 * Every attribute and text the element sets, as `path@attribute` / `path` keys (e.g. `ip.dhcp.range@start`).
 * A tag repeated under one parent gets its position: `ip[1]@address`. This is how a user's XML is compared
 * field by field with the defined one: what libvirt adds by itself (uuid, mac, defaults) is not drift.
 */
export function xmlFields(root: XmlElement, path = ''): Map<string, string> {
  const fields = new Map<string, string>();
  // An element's own attributes and text first, then its children.
  const entries = Object.entries(root).sort(([, a], [, b]) => Number(typeof a !== 'string') - Number(typeof b !== 'string'));
  for (const [key, value] of entries) {
    if (typeof value === 'string') {
      if (key === '#text' && value === '') continue;
      fields.set(fieldName(path, key) || '.', value);
      continue;
    }
    value.forEach((item, index) => {
      const itemPath = `${path ? `${path}.` : ''}${key}${value.length > 1 ? `[${index}]` : ''}`;
      const nested = xmlFields(item, itemPath);
      if (nested.size === 0) fields.set(itemPath, '');
      for (const [name, nestedValue] of nested) fields.set(name, nestedValue);
    });
  }
  return fields;
}

/** The value at a path made by xmlFields, or undefined when the element or attribute is not there. */
export function xmlFieldValue(root: XmlElement, field: string): string | undefined {
  const [elementPath, attributeName] = field.split('@') as [string, string | undefined];
  let cursor: XmlElement | undefined = root;
  if (elementPath !== '' && elementPath !== '.') {
    for (const step of elementPath.split('.')) {
      const match = /^(.*?)(?:\[(\d+)\])?$/.exec(step);
      const [, tag, index] = match ?? [];
      cursor = children(cursor, tag ?? step)[Number(index ?? 0)];
      if (!cursor) return undefined;
    }
  }
  if (attributeName !== undefined) return attribute(cursor, attributeName);
  return text(cursor) ?? '';
}
