import type { ComponentProps } from 'react';
import { Link } from 'react-router';

/** A router link in a colour that keeps 4.5:1 contrast on white (antd's default link blue does not). */
export function TextLink(props: ComponentProps<typeof Link>) {
  return <Link {...props} style={{ color: '#0b3d73', textDecoration: 'underline', ...props.style }} />;
}
