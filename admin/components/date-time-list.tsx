// Every date-time in a list (replaces AdminJS's DefaultDatetimeListProperty): as on the record's page.
import React from 'react';
import type { BasePropertyProps } from 'adminjs';
import { useZonedText } from './date-time-show.js';

const DateTimeList: React.FC<BasePropertyProps> = (props) => <span data-zoned-time>{useZonedText(props)}</span>;

export default DateTimeList;
